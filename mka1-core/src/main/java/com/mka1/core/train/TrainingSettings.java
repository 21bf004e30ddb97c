package com.mka1.core.train;

import java.util.List;

/**
 * Requested training settings: the API's hyperparameters plus engine extras. A null field means
 * "auto" (resolved by the trainer from the data set and the model).
 *
 * @param nEpochs                1..50
 * @param batchSize              examples per optimizer step, 1..256
 * @param learningRateMultiplier multiplies the engine's base learning rate, (0, 10]
 * @param beta                   DPO beta, (0, 2]
 * @param fullFineTune           true: train all weights; false/null: LoRA
 * @param loraRank               LoRA rank r
 * @param loraAlpha              LoRA alpha (scale = alpha / r)
 * @param loraDropout            dropout on the LoRA input, [0, 1)
 * @param loraTargets            subset of q,k,v,o,gate,up,down (HF names without "_proj" are accepted too)
 * @param warmupRatio            fraction of steps with linear warmup, [0, 1)
 * @param lrScheduler            "linear" or "cosine"
 * @param maxSeqLength           packed row length in tokens
 * @param backend                compute backend name ("reference", "cpu", "cuda") or null for the best available
 * @param trainableTokens        with LoRA, token ids whose embedding rows train; null: the template's end-of-turn tokens
 * @param recomputeActivations   re-run each layer's forward during its backward (activation checkpointing: less
 *                               memory, about a third more compute); null: the trainer's own setting
 */
public record TrainingSettings(Integer nEpochs, Integer batchSize, Double learningRateMultiplier, Double beta,
                               Boolean fullFineTune, Integer loraRank, Double loraAlpha, Double loraDropout,
                               List<String> loraTargets, Double warmupRatio, String lrScheduler,
                               Integer maxSeqLength, String backend, List<Integer> trainableTokens,
                               Boolean recomputeActivations) {
    public TrainingSettings {
        loraTargets = loraTargets == null ? null : List.copyOf(loraTargets);
        trainableTokens = trainableTokens == null ? null : List.copyOf(trainableTokens);
    }

    /** Settings with the trainer's own activation recomputation. */
    public TrainingSettings(Integer nEpochs, Integer batchSize, Double learningRateMultiplier, Double beta,
                            Boolean fullFineTune, Integer loraRank, Double loraAlpha, Double loraDropout,
                            List<String> loraTargets, Double warmupRatio, String lrScheduler,
                            Integer maxSeqLength, String backend, List<Integer> trainableTokens) {
        this(nEpochs, batchSize, learningRateMultiplier, beta, fullFineTune, loraRank, loraAlpha, loraDropout, loraTargets,
                warmupRatio, lrScheduler, maxSeqLength, backend, trainableTokens, null);
    }

    /** Settings with the default trainable tokens. */
    public TrainingSettings(Integer nEpochs, Integer batchSize, Double learningRateMultiplier, Double beta,
                            Boolean fullFineTune, Integer loraRank, Double loraAlpha, Double loraDropout,
                            List<String> loraTargets, Double warmupRatio, String lrScheduler,
                            Integer maxSeqLength, String backend) {
        this(nEpochs, batchSize, learningRateMultiplier, beta, fullFineTune, loraRank, loraAlpha, loraDropout, loraTargets,
                warmupRatio, lrScheduler, maxSeqLength, backend, null, null);
    }

    /**
     * These settings with the engine's defaults where they leave the choice open: {@code backend}
     * when none is named, {@code recomputeActivations} when it is null.
     */
    public TrainingSettings withEngineDefaults(String defaultBackend, Boolean defaultRecompute) {
        String b = backend != null ? backend : defaultBackend;
        Boolean r = recomputeActivations != null ? recomputeActivations : defaultRecompute;
        return new TrainingSettings(nEpochs, batchSize, learningRateMultiplier, beta, fullFineTune, loraRank, loraAlpha,
                loraDropout, loraTargets, warmupRatio, lrScheduler, maxSeqLength, b, trainableTokens, r);
    }

    /** All "auto". */
    public static TrainingSettings auto() {
        return new TrainingSettings(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
