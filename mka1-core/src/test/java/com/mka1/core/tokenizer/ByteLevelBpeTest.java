package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Byte-level BPE on the hand-made fixtures in src/test/resources/tokenizer (made by
 * make_fixtures.py there): ids 0..255 are the bytes, 256.. the merged tokens in merge order
 * (Ġt, he, Ġthe, in, Ġw, or, Ġwor, ld, Ġworld, bc, ab, 's, 12, ĊĊ), then the added tokens.
 */
class ByteLevelBpeTest {
    static Path fixture(String name) {
        return Path.of("src/test/resources/tokenizer", name);
    }

    private final BpeTokenizer gpt2 = Tokenizers.load(fixture("chatml"));
    private final BpeTokenizer llama3 = Tokenizers.load(fixture("llama3"));

    @Test
    void mergesApplyByRankNotByPosition() {
        // "the": only "h e" (rank 1) applies; "t he" is not a merge
        assertThat(gpt2.encode("the", false)).containsExactly('t', 257);
        // " the": Ġ t (0), then h e (1), then Ġt he (2)
        assertThat(gpt2.encode(" the", false)).containsExactly(258);
        // " world": Ġw (4), or (5), ld (7), then Ġwor (6), Ġworld (8)
        assertThat(gpt2.encode("the world", false)).containsExactly('t', 257, 264);
        // "b c" has a lower rank than "a b", so "abc" is a + bc, while "cab" is c + ab
        assertThat(gpt2.encode("abc", false)).containsExactly('a', 265);
        assertThat(gpt2.encode("cab", false)).containsExactly('c', 266);
    }

    @Test
    void regexSplitsBeforeMerging() {
        // "it's 12 3" splits as "it", "'s", " 12", " 3"; "Ġ 1" is no merge but "1 2" is; merges never cross pieces
        assertThat(gpt2.encode("it's 12 3", false)).containsExactly('i', 't', 267, 0x20, 268, 0x20, '3');
    }

    @Test
    void addedTokensAreMatchedFirstAndNeverSplit() {
        assertThat(gpt2.tokenId("<|im_start|>")).isEqualTo(271);
        assertThat(gpt2.encode("<|im_start|>the<|im_end|>", false)).containsExactly(271, 't', 257, 272);
        assertThat(gpt2.encode("x<|im_end", false)).containsExactly('x', '<', '|', 'i', 'm', '_', 'e', 'n', 'd');
        assertThat(gpt2.decode(new int[] {271, 't', 257, 272}, false)).isEqualTo("<|im_start|>the<|im_end|>");
        assertThat(gpt2.decode(new int[] {271, 't', 257, 272}, true)).isEqualTo("the");
    }

    @Test
    void emojiAndCjkRoundTripByteByByte() {
        String text = "Hi 🙂🚀 中文字符 naïve — ok\n\ttab";
        int[] ids = gpt2.encode(text, false);
        assertThat(gpt2.decode(ids, false)).isEqualTo(text);
        assertThat(gpt2.encode("🙂", false)).containsExactly(0xF0, 0x9F, 0x99, 0x82);
        assertThat(gpt2.encode("\n\n", false)).containsExactly(269);
    }

    @Test
    void llama3StyleSplitAndBos() {
        assertThat(llama3.bosId()).isEqualTo(270);
        assertThat(llama3.eosId()).isEqualTo(274);
        // the Llama 3 regex keeps "12345" as "123" + "45"; "12" merges inside "123"
        assertThat(llama3.encode("12345", true)).containsExactly(270, 268, '3', '4', '5');
        // ignore_merges: a piece that is a whole vocabulary token is taken as is
        assertThat(llama3.encode(" world", false)).containsExactly(264);
        String text = "I'M here 🙂\n\nnext  ";
        assertThat(llama3.decode(llama3.encode(text, true), true)).isEqualTo(text);
    }

    @Test
    void offsetsOfByteLevelTokens() {
        Encoding e = gpt2.encodeWithOffsets("é the", false);
        // é is two bytes of one character: both tokens cover [0, 1)
        assertThat(e.ids()).containsExactly(0xC3, 0xA9, 258);
        assertThat(e.starts()).containsExactly(0, 0, 1);
        assertThat(e.ends()).containsExactly(1, 1, 5);
    }
}
