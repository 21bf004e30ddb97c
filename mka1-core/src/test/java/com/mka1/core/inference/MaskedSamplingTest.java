package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** {@link Sampler#draw} with a token mask: only allowed tokens, in the model's proportions among them. */
class MaskedSamplingTest {
    private static final float[] LOGITS = {3f, 2f, 1f, 0f, -1f};

    private static long[] allow(int... ids) {
        long[] mask = new long[1];
        for (int id : ids) mask[0] |= 1L << id;
        return mask;
    }

    @Test
    void greedyTakesTheBestAllowedToken() {
        Sampler sampler = new Sampler(SamplingSettings.greedy(), LOGITS.length);
        assertThat(sampler.draw(LOGITS, allow(2, 4))).isEqualTo(2);
        assertThat(sampler.draw(LOGITS, allow(4))).isEqualTo(4);
        assertThat(sampler.draw(LOGITS, null)).isEqualTo(0);
    }

    @Test
    void samplingKeepsTheModelsRatiosAmongAllowedTokens() {
        for (SamplingSettings settings : new SamplingSettings[] {SamplingSettings.of(1.0, 1.0, 3),
                new SamplingSettings(1.0, 0.999, 3, 1.0, 3)}) {
            Sampler sampler = new Sampler(settings, LOGITS.length);
            int[] counts = new int[LOGITS.length];
            int n = 40_000;
            for (int i = 0; i < n; i++) counts[sampler.draw(LOGITS, allow(1, 3))]++;
            assertThat(counts[0] + counts[2] + counts[4]).isZero();
            // p(1) / p(3) = e^2 among the two allowed tokens: 0.8808 of the draws
            assertThat(counts[1] / (double) n).isCloseTo(Math.exp(2) / (Math.exp(2) + 1), within(0.01));
        }
    }
}
