package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.testing.SharedDir;
import org.junit.jupiter.api.Test;

/**
 * stories260k's real 512-piece tokenizer ({@code tok512}): ids as SentencePiece 0.1.97 gives them for
 * {@code tok512.model} (texts without repeated or edge spaces, where the two agree by design).
 */
class Stories260kTokenizerTest {
    private final BpeTokenizer tokenizer = Tokenizers.load(SharedDir.resolve("models/stories260k"));

    @Test
    void encodesAsSentencePieceDoes() {
        assertThat(tokenizer.encode("Once upon a time", true)).containsExactly(1, 403, 407, 261, 378);
        assertThat(tokenizer.encode("Lily saw a big red ball.", false)).containsExactly(317, 394, 261, 370, 352, 266, 268, 388, 426);
        assertThat(tokenizer.encode("tabs\tand\nnewlines", false))
                .containsExactly(259, 412, 430, 419, 12, 412, 264, 13, 416, 411, 424, 421, 271, 406);
    }

    @Test
    void bytesWithoutAPieceFallBackToByteTokens() {
        // "ü" is C3 BC: ids 3 + byte; the emoji and CJK characters likewise, byte by byte
        assertThat(tokenizer.encode("Hi ü", true)).containsExactly(1, 320, 417, 410, 0xC3 + 3, 0xBC + 3);
        assertThat(tokenizer.encode("emoji 🙂 and 中文", false)).containsExactly(344, 423, 414, 449, 417, 410, 243, 162, 156, 133,
                269, 410, 231, 187, 176, 233, 153, 138);
    }

    @Test
    void keepsRepeatedSpacesAsRunJsonAndRunCDo() {
        // tokenizer.json (like run.c) keeps both spaces; SentencePiece would collapse them to [261, 268]
        assertThat(tokenizer.encode("a  b", false)).containsExactly(261, 410, 268);
    }

    @Test
    void roundTripsUnicodeText() {
        for (String text : new String[] {"Once upon a time", "  two leading spaces", "emoji 🙂 and 中文", "tabs\tand\nnewlines"}) {
            int[] ids = tokenizer.encode(text, true);
            assertThat(ids[0]).isEqualTo(1);
            assertThat(tokenizer.decode(ids, true)).isEqualTo(text);
        }
    }

    @Test
    void specialTokensFromConfig() {
        assertThat(tokenizer.vocabSize()).isEqualTo(512);
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.decode(new int[] {1, 261, 2}, false)).isEqualTo("<s> a</s>");
    }
}
