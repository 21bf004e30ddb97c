package com.mka1.api.finetuning;

import java.util.List;

/**
 * MKA1 engine settings accepted as extra {@code hyperparameters} fields (null: the engine's default).
 * Wire names: {@code lora_rank}, {@code lora_alpha}, {@code lora_dropout}, {@code lora_target_modules},
 * {@code full_fine_tune}, {@code warmup_ratio}, {@code lr_scheduler}, {@code max_seq_length}, {@code backend},
 * {@code trainable_token_indices}.
 *
 * @param loraRank          LoRA rank r (1..1024)
 * @param loraAlpha         LoRA alpha, scale = alpha / r (> 0)
 * @param loraDropout       dropout on the LoRA input, [0, 1)
 * @param loraTargetModules projections to adapt: q, k, v, o, gate, up, down (or q_proj, ...)
 * @param fullFineTune      true: train every weight instead of LoRA adapters
 * @param warmupRatio       fraction of steps with linear warmup, [0, 1)
 * @param lrScheduler       "linear" or "cosine"
 * @param maxSeqLength      packed row length in tokens (16..131072)
 * @param backend           compute backend: "reference", "cpu" or "cuda"
 * @param trainableTokenIndices with LoRA, token ids whose embedding rows train too (PEFT's
 *                          {@code trainable_token_indices}); null: the chat template's end-of-turn
 *                          tokens, so the model learns to end its answers; empty: none
 */
public record EngineSettings(Integer loraRank, Double loraAlpha, Double loraDropout, List<String> loraTargetModules,
                             Boolean fullFineTune, Double warmupRatio, String lrScheduler, Integer maxSeqLength,
                             String backend, List<Integer> trainableTokenIndices) {
    /** Every setting at the engine's default. */
    public static final EngineSettings DEFAULTS = new EngineSettings(null, null, null, null, null, null, null, null, null, null);

    public EngineSettings {
        loraTargetModules = loraTargetModules == null ? null : List.copyOf(loraTargetModules);
        trainableTokenIndices = trainableTokenIndices == null ? null : List.copyOf(trainableTokenIndices);
    }

    /** Settings with the default trainable tokens. */
    public EngineSettings(Integer loraRank, Double loraAlpha, Double loraDropout, List<String> loraTargetModules,
                          Boolean fullFineTune, Double warmupRatio, String lrScheduler, Integer maxSeqLength, String backend) {
        this(loraRank, loraAlpha, loraDropout, loraTargetModules, fullFineTune, warmupRatio, lrScheduler, maxSeqLength, backend, null);
    }

    /** Whether every setting is at its default. */
    public boolean isDefault() {
        return equals(DEFAULTS);
    }

    /** A builder starting from every setting at its default: {@code EngineSettings.builder().loraRank(16).build()}. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Sets engine settings by name; unset ones keep the engine's default. Not thread-safe. */
    public static final class Builder {
        private Integer loraRank;
        private Double loraAlpha;
        private Double loraDropout;
        private List<String> loraTargetModules;
        private Boolean fullFineTune;
        private Double warmupRatio;
        private String lrScheduler;
        private Integer maxSeqLength;
        private String backend;
        private List<Integer> trainableTokenIndices;

        private Builder(EngineSettings from) {
            loraRank = from.loraRank;
            loraAlpha = from.loraAlpha;
            loraDropout = from.loraDropout;
            loraTargetModules = from.loraTargetModules;
            fullFineTune = from.fullFineTune;
            warmupRatio = from.warmupRatio;
            lrScheduler = from.lrScheduler;
            maxSeqLength = from.maxSeqLength;
            backend = from.backend;
            trainableTokenIndices = from.trainableTokenIndices;
        }

        /** LoRA rank r (1..1024). */
        public Builder loraRank(Integer rank) {
            this.loraRank = rank;
            return this;
        }

        /** LoRA alpha; the adapter's scale is alpha / r. */
        public Builder loraAlpha(Double alpha) {
            this.loraAlpha = alpha;
            return this;
        }

        /** Dropout on the LoRA input, [0, 1). */
        public Builder loraDropout(Double dropout) {
            this.loraDropout = dropout;
            return this;
        }

        /** Projections to adapt: q, k, v, o, gate, up, down. */
        public Builder loraTargetModules(List<String> modules) {
            this.loraTargetModules = modules;
            return this;
        }

        /** Train every weight instead of LoRA adapters. */
        public Builder fullFineTune(Boolean full) {
            this.fullFineTune = full;
            return this;
        }

        /** Fraction of steps with linear warmup, [0, 1). */
        public Builder warmupRatio(Double ratio) {
            this.warmupRatio = ratio;
            return this;
        }

        /** "linear" or "cosine". */
        public Builder lrScheduler(String scheduler) {
            this.lrScheduler = scheduler;
            return this;
        }

        /** Packed row length in tokens (16..131072). */
        public Builder maxSeqLength(Integer tokens) {
            this.maxSeqLength = tokens;
            return this;
        }

        /** Compute backend: "reference", "cpu" or "cuda". */
        public Builder backend(String name) {
            this.backend = name;
            return this;
        }

        /** With LoRA, token ids whose embedding rows train too; null: the template's end-of-turn tokens; empty: none. */
        public Builder trainableTokenIndices(List<Integer> ids) {
            this.trainableTokenIndices = ids;
            return this;
        }

        public EngineSettings build() {
            return new EngineSettings(loraRank, loraAlpha, loraDropout, loraTargetModules, fullFineTune, warmupRatio,
                    lrScheduler, maxSeqLength, backend, trainableTokenIndices);
        }
    }
}
