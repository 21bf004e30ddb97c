package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequencesTest {
    private final StopSequences stops = new StopSequences(List.of("\n\nUser:", "END", ""));

    @Test
    void findsTheEarliestMatch() {
        assertThat(stops.firstMatch("Hello END there\n\nUser: x")).isEqualTo(6);
        assertThat(stops.firstMatch("Hello")).isEqualTo(-1);
        assertThat(StopSequences.NONE.firstMatch("END")).isEqualTo(-1);
    }

    @Test
    void holdsBackAPossibleStopPrefix() {
        assertThat(stops.safeLength("Hello EN")).isEqualTo(6);
        assertThat(stops.safeLength("Hello\n\nUs")).isEqualTo(5);
        assertThat(stops.safeLength("Hello E")).isEqualTo(6);
        assertThat(stops.safeLength("Hello")).isEqualTo(5);
        assertThat(StopSequences.NONE.safeLength("abc")).isEqualTo(3);
    }
}
