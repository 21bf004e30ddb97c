package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static float[] randomLogits(long seed, int vocab) {
        Random r = new Random(seed);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (r.nextGaussian() * 2);
        }
        return logits;
    }

    private static int[] drawMany(SamplingSettings s, float[] logits, int n) {
        Sampler sampler = new Sampler(s, logits.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = sampler.sample(logits);
        }
        return out;
    }

    @Test
    void greedyTakesTheFirstMaximum() {
        float[] logits = {0.1f, 3f, -1f, 3f, 2.9f};
        assertThat(new Sampler(SamplingSettings.greedy(), 5).sample(logits)).isEqualTo(1);
    }

    @Test
    void sameSeedGivesTheSameTokensAndAnotherSeedDiffers() {
        float[] logits = randomLogits(1, 64);
        SamplingSettings s = new SamplingSettings(1.0, 0.9, 40, 1.0, 1234);
        assertThat(drawMany(s, logits, 50)).isEqualTo(drawMany(s, logits, 50));
        assertThat(drawMany(s, logits, 50)).isNotEqualTo(drawMany(new SamplingSettings(1.0, 0.9, 40, 1.0, 99), logits, 50));
    }

    @Test
    void frequenciesFollowTheSoftmaxAtTheTemperature() {
        float[] logits = {1f, 0f, 2f, -1f};
        double t = 0.7;
        double[] p = new double[4];
        double z = 0;
        for (int i = 0; i < 4; i++) {
            p[i] = Math.exp(logits[i] / t);
            z += p[i];
        }
        int n = 40_000;
        int[] counts = new int[4];
        for (int token : drawMany(SamplingSettings.of(t, 1.0, 7), logits, n)) {
            counts[token]++;
        }
        for (int i = 0; i < 4; i++) {
            assertThat(counts[i] / (double) n).as("token %d", i).isCloseTo(p[i] / z, within(0.01));
        }
    }

    @Test
    void topKAndTopPKeepOnlyTheHead() {
        float[] logits = {1f, 0f, 2f, -1f, 1.5f};
        // top_k 2 keeps ids 2 and 4
        for (int token : drawMany(new SamplingSettings(1.0, 1.0, 2, 1.0, 3), logits, 500)) {
            assertThat(token).isIn(2, 4);
        }
        // softmax: p(2)=.43, p(4)=.26, p(0)=.16 -> top_p 0.6 keeps {2, 4}
        for (int token : drawMany(new SamplingSettings(1.0, 0.6, 0, 1.0, 3), logits, 500)) {
            assertThat(token).isIn(2, 4);
        }
        // a tiny top_p is greedy
        for (int token : drawMany(new SamplingSettings(1.5, 1e-6, 0, 1.0, 3), logits, 50)) {
            assertThat(token).isEqualTo(2);
        }
    }

    @Test
    void repetitionPenaltyDemotesSeenTokens() {
        float[] logits = {2f, 1.5f, -1f};
        Sampler sampler = new Sampler(new SamplingSettings(0, 1, 0, 2.0, 0), 3);
        sampler.observe(0); // 2 / 2 = 1 < 1.5
        assertThat(sampler.sample(logits)).isEqualTo(1);
        assertThat(sampler.sample(logits)).isEqualTo(0); // both seen now: 1 vs 0.75
    }

    @Test
    void rejectsSettingsOutOfRange() {
        assertThatThrownBy(() -> new SamplingSettings(-1, 1, 0, 1, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingSettings(1, 0, 0, 1, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingSettings(1, 1, -2, 1, 0)).hasMessageContaining("top_k");
    }
}
