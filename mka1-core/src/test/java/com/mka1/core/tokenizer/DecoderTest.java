package com.mka1.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoder components on token lists, with results worked out by hand. */
class DecoderTest {
    @Test
    void byteFallbackJoinsValidUtf8AndMarksInvalidBytes() {
        Decoder d = new Decoder.ByteFallback(null);
        // E4 B8 AD is 中; a lone C3 is invalid: one U+FFFD per byte
        assertThat(d.decode(List.of("a", "<0xE4>", "<0xB8>", "<0xAD>", "b", "<0xC3>", "<0x41>")))
                .containsExactly("a", "中", "b", "\uFFFD", "\uFFFD");
        assertThat(d.decode(List.of("<0x4>", "<0xZZ>"))).containsExactly("<0x4>", "<0xZZ>");
    }

    @Test
    void sentencePieceChain() {
        Decoder d = new Decoder.Sequence(List.of(new Decoder.Replace("▁", " "), new Decoder.ByteFallback(new Decoder.Replace("▁", " ")),
                new Decoder.Fuse(), new Decoder.Strip(' ', 1, 0)));
        assertThat(d.decode(List.of("▁Hello", "▁", "<0xE2>", "<0x96>", "<0x81>", "x"))).containsExactly("Hello  x");
    }

    @Test
    void stripBothEnds() {
        assertThat(new Decoder.Strip(' ', 1, 2).decode(List.of("  a   ", " "))).containsExactly(" a ", "");
    }

    @Test
    void metaspaceDropsOnlyTheFirstPrefix() {
        assertThat(new Decoder.Metaspace('▁', true).decode(List.of("▁Hey", "▁there"))).containsExactly("Hey", " there");
        assertThat(new Decoder.Metaspace('▁', false).decode(List.of("▁Hey"))).containsExactly(" Hey");
    }

    @Test
    void byteLevelKeepsTokensOutsideTheTableAsUtf8() {
        // "Ġw" is " w"; "中" is not a table character, so it stands for its own UTF-8
        assertThat(new Decoder.ByteLevel().decode(List.of("Hi", "Ġw", "中"))).containsExactly("Hi w中");
    }
}
