package com.mka1.core.inference;

/**
 * How the next token is chosen from logits.
 *
 * @param temperature       0 for greedy decoding (argmax); otherwise logits are divided by it
 * @param topP              keep the smallest set of most likely tokens whose mass reaches topP (1 = all)
 * @param topK              keep the topK most likely tokens (0 = all)
 * @param repetitionPenalty Hugging Face semantics: logits of tokens already seen are divided by it when
 *                          positive and multiplied when negative (1 = off)
 * @param seed              seeds the draw; equal seeds and inputs give equal outputs
 */
public record SamplingSettings(double temperature, double topP, int topK, double repetitionPenalty, long seed) {
    public SamplingSettings {
        if (!(temperature >= 0) || temperature > 100) {
            throw new IllegalArgumentException("temperature must be in [0, 100], got " + temperature);
        }
        if (!(topP > 0) || topP > 1) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        }
    }

    /** Argmax decoding. */
    public static SamplingSettings greedy() {
        return new SamplingSettings(0, 1, 0, 1, 0);
    }

    /** Plain sampling at a temperature with a seed. */
    public static SamplingSettings of(double temperature, double topP, long seed) {
        return new SamplingSettings(temperature, topP, 0, 1, seed);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
