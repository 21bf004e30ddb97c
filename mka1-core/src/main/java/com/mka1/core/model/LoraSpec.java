package com.mka1.core.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * LoRA settings: {@code W x + (alpha / rank) B A dropout(x)} on each targeted projection, A
 * initialised like PEFT (uniform in ±1/sqrt(in), from {@code initSeed}) and B zero.
 * {@code trainableTokens} are PEFT's {@code trainable_token_indices}: token ids whose embedding
 * rows train beside the adapters (and, with tied embeddings, the same rows of the output head),
 * so a token LoRA cannot reach, such as a never-trained end-of-turn token, can be learned.
 */
public record LoraSpec(int rank, double alpha, double dropout, Set<Projection> targets, long initSeed,
                       List<Integer> trainableTokens) {
    public LoraSpec {
        if (rank <= 0) throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        if (targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target module");
        // Declaration order, never Set.copyOf's per-JVM order: the run's fingerprint (which a resume on
        // another server checks against the saved state) prints it.
        targets = Collections.unmodifiableSet(EnumSet.copyOf(targets));
        trainableTokens = List.copyOf(trainableTokens);
        if (trainableTokens.stream().distinct().count() != trainableTokens.size() || trainableTokens.stream().anyMatch(id -> id < 0)) {
            throw new IllegalArgumentException("trainable token ids must be distinct and non-negative, got " + trainableTokens);
        }
    }

    /** LoRA without trainable tokens. */
    public LoraSpec(int rank, double alpha, double dropout, Set<Projection> targets, long initSeed) {
        this(rank, alpha, dropout, targets, initSeed, List.of());
    }

    /** The same settings with {@code ids} as the trainable tokens. */
    public LoraSpec withTrainableTokens(List<Integer> ids) {
        return new LoraSpec(rank, alpha, dropout, targets, initSeed, ids);
    }

    /** The multiplier of the low-rank update, alpha / rank. */
    public float scaling() {
        return (float) (alpha / rank);
    }
}
