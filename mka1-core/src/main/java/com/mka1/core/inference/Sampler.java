package com.mka1.core.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses next tokens from logits under {@link SamplingSettings}. One sampler serves one generation:
 * its random stream is seeded once, so a generation is reproducible from its seed. Not thread-safe.
 */
public final class Sampler {
    private final SamplingSettings settings;
    private final SplittableRandom random;
    private final boolean[] seen;

    public Sampler(SamplingSettings settings, int vocabSize) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
        this.seen = new boolean[vocabSize];
    }

    /** Marks tokens (the prompt, earlier output) for the repetition penalty. */
    public void observe(int token) {
        if (token >= 0 && token < seen.length) {
            seen[token] = true;
        }
    }

    /** Picks the next token from {@code logits[0..vocab)} (the array is not modified) and observes it. */
    public int sample(float[] logits) {
        int token = draw(logits, null);
        observe(token);
        return token;
    }

    /**
     * Picks the next token among those set in {@code allowed} (a bit set over token ids; null: all)
     * without observing it: constrained decoding may draw again before it keeps a token.
     */
    public int draw(float[] logits, long[] allowed) {
        double[] scores = new double[seen.length];
        for (int i = 0; i < scores.length; i++) {
            if (allowed != null && (allowed[i >>> 6] & (1L << (i & 63))) == 0) {
                scores[i] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double x = logits[i];
            if (settings.repetitionPenalty() != 1 && seen[i]) {
                x = x > 0 ? x / settings.repetitionPenalty() : x * settings.repetitionPenalty();
            }
            scores[i] = x;
        }
        return settings.isGreedy() ? argmax(scores) : draw(scores);
    }

    /** Plain sampling from the whole softmax: no sort needed. */
    private int drawFromAll(double[] scores) {
        double max = scores[argmax(scores)];
        double[] weights = new double[scores.length];
        double total = 0;
        for (int i = 0; i < scores.length; i++) {
            weights[i] = Math.exp((scores[i] - max) / settings.temperature());
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (u < acc) {
                return i;
            }
        }
        return argmax(scores);
    }

    /** The first index of the maximum (NaN never wins). */
    static int argmax(double[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best] || Double.isNaN(scores[best])) {
                best = i;
            }
        }
        return best;
    }

    private int draw(double[] scores) {
        if (settings.topK() == 0 && settings.topP() >= 1) {
            return drawFromAll(scores);
        }
        // order tokens by score, descending; ties keep the lower id first so results are stable
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int keep = settings.topK() > 0 ? Math.min(settings.topK(), order.length) : order.length;

        double max = scores[order[0]];
        double[] probs = new double[keep];
        double total = 0;
        for (int r = 0; r < keep; r++) {
            probs[r] = Math.exp((scores[order[r]] - max) / settings.temperature());
            total += probs[r];
        }
        if (settings.topP() < 1) {
            double mass = 0;
            int cut = keep;
            for (int r = 0; r < keep; r++) {
                mass += probs[r] / total;
                if (mass >= settings.topP()) {
                    cut = r + 1;
                    break;
                }
            }
            keep = cut;
            total = 0;
            for (int r = 0; r < keep; r++) {
                total += probs[r];
            }
        }
        double u = random.nextDouble() * total;
        double acc = 0;
        for (int r = 0; r < keep; r++) {
            acc += probs[r];
            if (u < acc) {
                return order[r];
            }
        }
        return order[keep - 1];
    }
}
