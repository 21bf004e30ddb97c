package com.mka1.core.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * LoRA settings: {@code W x + (alpha / rank) B A dropout(x)} on each targeted projection, A
 * initialised like PEFT (uniform in ±1/sqrt(in), from {@code initSeed}) and B zero.
 */
public record LoraSpec(int rank, double alpha, double dropout, Set<Projection> targets, long initSeed) {
    public LoraSpec {
        if (rank <= 0) throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        if (targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target module");
        targets = Set.copyOf(EnumSet.copyOf(targets));
    }

    /** The multiplier of the low-rank update, alpha / rank. */
    public float scaling() {
        return (float) (alpha / rank);
    }
}
