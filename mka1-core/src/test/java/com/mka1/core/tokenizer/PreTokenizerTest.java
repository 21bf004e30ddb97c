package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pre-tokenizer splits checked by hand against the GPT-2 and Llama 3 regexes. */
class PreTokenizerTest {
    private static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static List<String> split(PreTokenizer p, String text) {
        List<AlignedText> out = new ArrayList<>();
        p.split(AlignedText.of(text, 0, text.length()), out);
        return out.stream().map(AlignedText::text).toList();
    }

    @Test
    void byteToUnicodeTable() {
        assertThat(ByteLevelAlphabet.charOf(' ')).isEqualTo('Ġ');   // U+0120
        assertThat(ByteLevelAlphabet.charOf('\n')).isEqualTo('Ċ');  // U+010A
        assertThat(ByteLevelAlphabet.charOf(0x00)).isEqualTo('\u0100');
        assertThat(ByteLevelAlphabet.charOf(0x7F)).isEqualTo('\u0121');
        assertThat(ByteLevelAlphabet.charOf(0xAD)).isEqualTo('\u0143');
        assertThat(ByteLevelAlphabet.charOf('A')).isEqualTo('A');
        assertThat(ByteLevelAlphabet.charOf(0xE9)).isEqualTo('é');
        for (int b = 0; b < 256; b++) {
            assertThat(ByteLevelAlphabet.byteOf(ByteLevelAlphabet.charOf(b))).isEqualTo(b);
        }
    }

    @Test
    void gpt2RegexSplitsContractionsNumbersAndSpaces() {
        PreTokenizer p = new PreTokenizer.ByteLevel(false, true);
        assertThat(split(p, "Hello world's 1234 ok!!  x\n\n y  "))
                .containsExactly("Hello", "Ġworld", "'s", "Ġ1234", "Ġok", "!!", "Ġ", "Ġx", "ĊĊ", "Ġy", "ĠĠ");
        // GPT-2's contractions are lower case only: "'M" falls apart
        assertThat(split(p, "I'M don't")).containsExactly("I", "'", "M", "Ġdon", "'t");
    }

    @Test
    void byteLevelMapsMultiByteCharactersToOneCharacterPerByte() {
        PreTokenizer p = new PreTokenizer.ByteLevel(false, true);
        // é = C3 A9, 中 = E4 B8 AD, 🙂 = F0 9F 99 82
        assertThat(split(p, "é 中🙂")).containsExactly("Ã©", "Ġä¸\u0143", "ðŁĻĤ");
    }

    @Test
    void addPrefixSpaceAddsOneSpaceUnlessPresent() {
        assertThat(split(new PreTokenizer.ByteLevel(true, true), "hi there")).containsExactly("Ġhi", "Ġthere");
        assertThat(split(new PreTokenizer.ByteLevel(true, true), " hi")).containsExactly("Ġhi");
    }

    @Test
    void llama3RegexSplitsDigitsByThreesAndKeepsNewlinesWithPunctuation() {
        PreTokenizer p = new PreTokenizer.Split(PreTokenizer.compileRegex(LLAMA3_REGEX), PreTokenizer.SplitBehavior.ISOLATED);
        assertThat(split(p, "I'M don't 12345 (hi)\n\n  next"))
                .containsExactly("I", "'M", " don", "'t", " ", "123", "45", " (", "hi", ")\n\n", " ", " next");
        assertThat(split(p, "Hello world's 1234 ok!!  x\n\n y  "))
                .containsExactly("Hello", " world", "'s", " ", "123", "4", " ok", "!!", " ", " x", "\n\n", " y", "  ");
    }

    @Test
    void unicodeWhitespaceIsWhitespace() {
        // U+3000 (ideographic space) must count as \s, as in the Rust engine
        PreTokenizer p = new PreTokenizer.Split(PreTokenizer.compileRegex(LLAMA3_REGEX), PreTokenizer.SplitBehavior.ISOLATED);
        assertThat(split(p, "a\u3000b")).containsExactly("a", "\u3000b");
    }

    @Test
    void digitsSplitIndividually() {
        assertThat(split(new PreTokenizer.Digits(true), "ab123c4")).containsExactly("ab", "1", "2", "3", "c", "4");
        assertThat(split(new PreTokenizer.Digits(false), "ab123c4")).containsExactly("ab", "123", "c", "4");
    }

    @Test
    void metaspaceReplacesSpacesAndPrependsOnce() {
        PreTokenizer p = new PreTokenizer.Metaspace('▁', PreTokenizer.Metaspace.PrependScheme.FIRST, true);
        assertThat(split(p, "Hello big world")).containsExactly("▁Hello", "▁big", "▁world");
        assertThat(split(p, " Hi")).as("a leading space already is the prefix").containsExactly("▁Hi");
        List<AlignedText> out = new ArrayList<>();
        p.split(AlignedText.of("ab cd", 3, 5), out);
        assertThat(out).extracting(AlignedText::text).as("not the start of the input: no prefix").containsExactly("cd");
    }

    @Test
    void splitBehaviors() {
        PreTokenizer removed = new PreTokenizer.Split(java.util.regex.Pattern.compile("-"), PreTokenizer.SplitBehavior.REMOVED);
        PreTokenizer previous = new PreTokenizer.Split(java.util.regex.Pattern.compile("-"), PreTokenizer.SplitBehavior.MERGED_WITH_PREVIOUS);
        PreTokenizer next = new PreTokenizer.Split(java.util.regex.Pattern.compile("-"), PreTokenizer.SplitBehavior.MERGED_WITH_NEXT);
        assertThat(split(removed, "a-b--c")).containsExactly("a", "b", "c");
        assertThat(split(previous, "a-b--c")).containsExactly("a-", "b-", "-", "c");
        assertThat(split(next, "a-b--c")).containsExactly("a", "-b", "-", "-c");
    }
}
