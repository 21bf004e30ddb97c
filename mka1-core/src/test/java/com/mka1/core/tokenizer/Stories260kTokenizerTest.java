package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.testing.SharedDir;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** stories260k's byte-only stand-in tokenizer: text encodes byte by byte to ids 3 + byte. */
class Stories260kTokenizerTest {
    private final BpeTokenizer tokenizer = Tokenizers.load(SharedDir.resolve("models/stories260k"));

    @Test
    void everyByteBecomesItsFallbackPiece() {
        String text = "Hi ü";
        // normalized "▁Hi▁ü": ▁ is E2 96 81, ü is C3 BC; ids are byte + 3
        assertThat(tokenizer.encode(text, true)).containsExactly(1, 0xE2 + 3, 0x96 + 3, 0x81 + 3, 'H' + 3, 'i' + 3,
                0xE2 + 3, 0x96 + 3, 0x81 + 3, 0xC3 + 3, 0xBC + 3);
    }

    @Test
    void roundTripsUnicodeText() {
        for (String text : new String[] {"Once upon a time", "  two leading spaces", "emoji 🙂 and 中文", "tabs\tand\nnewlines"}) {
            int[] ids = tokenizer.encode(text, true);
            assertThat(ids[0]).isEqualTo(1);
            assertThat(ids.length).isEqualTo(1 + ("▁" + text.replace(' ', '▁')).getBytes(StandardCharsets.UTF_8).length);
            assertThat(tokenizer.decode(ids, true)).isEqualTo(text);
        }
    }

    @Test
    void specialTokensFromConfig() {
        assertThat(tokenizer.vocabSize()).isEqualTo(512);
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.decode(new int[] {1, 'a' + 3, 2}, false)).isEqualTo("<s>a</s>");
    }
}
