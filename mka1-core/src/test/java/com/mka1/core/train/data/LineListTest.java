package com.mka1.core.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LineListTest {
    @Test
    void namesUpToTenLinesThenCountsTheRest() {
        assertThat(LineList.format(List.of(4))).isEqualTo("line 4");
        assertThat(LineList.format(List.of(3, 7, 9))).isEqualTo("lines 3, 7, 9");
        assertThat(LineList.format(IntStream.rangeClosed(1, 15).boxed().toList()))
                .isEqualTo("lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 5 more");
    }
}
