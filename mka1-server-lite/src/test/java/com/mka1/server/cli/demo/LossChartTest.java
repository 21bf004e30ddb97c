package com.mka1.server.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LossChartTest {
    @Test
    void drawsADecreasingCurveWithLabels() {
        List<String> lines = LossChart.render(List.of(4.0, 3.0, 2.0, 1.0, 1.0), 10, 4);
        assertThat(lines).containsExactly(
                " 4.000 |*",
                "       | *",
                "       |  *",
                " 1.000 |   **",
                "       +-----",
                "        step 1 .. 5");
    }

    @Test
    void averagesManyStepsIntoTheWidth() {
        assertThat(LossChart.resample(List.of(1.0, 3.0, 5.0, 7.0), 2)).containsExactly(2.0, 6.0);
        assertThat(LossChart.render(List.of(), 10, 4)).containsExactly("(no loss recorded)");
    }
}
