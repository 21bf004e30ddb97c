package com.mka1.core.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.mka1.core.train.optim.LearningRateSchedule.Decay;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void linearWarmupThenLinearDecay() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 2, 6, Decay.LINEAR);
        // warmup: 1/2, 2/2; decay over 4 steps: p = 0, 1/4, 2/4, 3/4
        assertThat(new double[] {s.rateAt(1), s.rateAt(2), s.rateAt(3), s.rateAt(4), s.rateAt(5), s.rateAt(6)})
                .containsExactly(0.5, 1.0, 1.0, 0.75, 0.5, 0.25);
    }

    @Test
    void cosineDecayFollowsHalfACosine() {
        LearningRateSchedule s = new LearningRateSchedule(2e-4, 0, 4, Decay.COSINE);
        assertThat(s.rateAt(1)).isEqualTo(2e-4);
        assertThat(s.rateAt(2)).isCloseTo(2e-4 * 0.5 * (1 + Math.cos(Math.PI / 4)), within(1e-18));
        assertThat(s.rateAt(3)).isCloseTo(1e-4, within(1e-18));
        assertThat(s.rateAt(4)).isCloseTo(2e-4 * 0.5 * (1 + Math.cos(3 * Math.PI / 4)), within(1e-18));
    }

    @Test
    void warmupRatioRoundsAndLeavesAtLeastOneDecayStep() {
        assertThat(LearningRateSchedule.withWarmupRatio(1, 0.1, 30, Decay.LINEAR).warmupSteps()).isEqualTo(3);
        assertThat(LearningRateSchedule.withWarmupRatio(1, 0.1, 4, Decay.LINEAR).warmupSteps()).isEqualTo(0);
        assertThat(LearningRateSchedule.withWarmupRatio(1, 0.9, 2, Decay.LINEAR).warmupSteps()).isEqualTo(1);
    }

    @Test
    void parsesSchedulerNames() {
        assertThat(Decay.parse("Cosine")).isEqualTo(Decay.COSINE);
        assertThat(Decay.parse("linear")).isEqualTo(Decay.LINEAR);
    }
}
