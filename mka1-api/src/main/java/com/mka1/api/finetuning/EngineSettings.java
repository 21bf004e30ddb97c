package com.mka1.api.finetuning;

import java.util.List;

/**
 * MKA1 engine settings accepted as extra {@code hyperparameters} fields (null: the engine's default).
 * Wire names: {@code lora_rank}, {@code lora_alpha}, {@code lora_dropout}, {@code lora_target_modules},
 * {@code full_fine_tune}, {@code warmup_ratio}, {@code lr_scheduler}, {@code max_seq_length}, {@code backend}.
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
 */
public record EngineSettings(Integer loraRank, Double loraAlpha, Double loraDropout, List<String> loraTargetModules,
                             Boolean fullFineTune, Double warmupRatio, String lrScheduler, Integer maxSeqLength,
                             String backend) {
    /** Every setting at the engine's default. */
    public static final EngineSettings DEFAULTS = new EngineSettings(null, null, null, null, null, null, null, null, null);

    public EngineSettings {
        loraTargetModules = loraTargetModules == null ? null : List.copyOf(loraTargetModules);
    }

    /** Whether every setting is at its default. */
    public boolean isDefault() {
        return equals(DEFAULTS);
    }
}
