package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** decode(encode(text)) == text on random valid Unicode text, for both tokenizer styles. */
class RoundTripTest {
    /** ASCII, whitespace, Latin-1, combining mark, CJK, Hangul, emoji (surrogate pairs), ZWJ. */
    private static final int[] ALPHABET = {'a', 'Z', '0', '9', ' ', ' ', '\n', '\t', '\'', '.', '!', '<', '|', 'é', 'ß', '\u0301',
            '中', '文', '한', 'ア', 0x1F642, 0x1F680, 0x1F468, 0x200D, 0x3000, '\u00A0', '—'};

    private static String randomText(Random random, int codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            sb.appendCodePoint(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    @Test
    void byteLevelRoundTripsAnyText() {
        BpeTokenizer tok = Tokenizers.load(ByteLevelBpeTest.fixture("chatml"));
        BpeTokenizer llama3 = Tokenizers.load(ByteLevelBpeTest.fixture("llama3"));
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            String text = randomText(random, 1 + random.nextInt(40));
            assertThat(tok.decode(tok.encode(text, true), false)).isEqualTo(text);
            assertThat(llama3.decode(llama3.encode(text, true), true)).isEqualTo(text);
        }
    }

    @Test
    void sentencePieceStyleRoundTripsAnyText() {
        BpeTokenizer tok = Llama2Fixture.tokenizer();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            String text = randomText(random, 1 + random.nextInt(40));
            assertThat(tok.decode(tok.encode(text, true), true)).as("%s", text).isEqualTo(text);
        }
    }

    @Test
    void nfcComposesAndKeepsTheSpan() {
        AlignedText out = new Normalizer.Unicode(java.text.Normalizer.Form.NFC).apply(AlignedText.of("ae\u0301b", 0, 4));
        assertThat(out.text()).isEqualTo("aéb");
        assertThat(out.start()).containsExactly(0, 1, 3);
        assertThat(out.end()).containsExactly(1, 3, 4);
    }
}
