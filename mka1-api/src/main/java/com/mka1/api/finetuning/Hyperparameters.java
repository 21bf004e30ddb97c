package com.mka1.api.finetuning;

import java.util.Objects;

/**
 * A method's hyperparameters. Each is "auto" or explicit; "auto" values are replaced by the
 * resolved numbers when training starts. The {@code with*} methods return a copy with one value changed.
 *
 * @param nEpochs                integer 1..50
 * @param batchSize              integer 1..256
 * @param learningRateMultiplier number in (0, 10]
 * @param beta                   DPO only: number in (0, 2]; null for supervised
 * @param engine                 MKA1 engine extras (LoRA, scheduler, backend)
 */
public record Hyperparameters(HyperparameterValue<Integer> nEpochs, HyperparameterValue<Integer> batchSize,
                              HyperparameterValue<Double> learningRateMultiplier, HyperparameterValue<Double> beta,
                              EngineSettings engine) {
    public Hyperparameters {
        Objects.requireNonNull(nEpochs, "nEpochs");
        Objects.requireNonNull(batchSize, "batchSize");
        Objects.requireNonNull(learningRateMultiplier, "learningRateMultiplier");
        if (engine == null) engine = EngineSettings.DEFAULTS;
    }

    /** Supervised hyperparameters, all "auto". */
    public static Hyperparameters auto() {
        return new Hyperparameters(HyperparameterValue.auto(), HyperparameterValue.auto(), HyperparameterValue.auto(),
                null, EngineSettings.DEFAULTS);
    }

    /** DPO hyperparameters, all "auto" (beta included). */
    public static Hyperparameters autoDpo() {
        return auto().withBeta(HyperparameterValue.auto());
    }

    public Hyperparameters withNEpochs(HyperparameterValue<Integer> v) {
        return new Hyperparameters(v, batchSize, learningRateMultiplier, beta, engine);
    }

    public Hyperparameters withBatchSize(HyperparameterValue<Integer> v) {
        return new Hyperparameters(nEpochs, v, learningRateMultiplier, beta, engine);
    }

    public Hyperparameters withLearningRateMultiplier(HyperparameterValue<Double> v) {
        return new Hyperparameters(nEpochs, batchSize, v, beta, engine);
    }

    public Hyperparameters withBeta(HyperparameterValue<Double> v) {
        return new Hyperparameters(nEpochs, batchSize, learningRateMultiplier, v, engine);
    }

    public Hyperparameters withEngine(EngineSettings v) {
        return new Hyperparameters(nEpochs, batchSize, learningRateMultiplier, beta, v);
    }
}
