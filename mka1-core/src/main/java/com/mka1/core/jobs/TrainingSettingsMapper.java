package com.mka1.core.jobs;

import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.Method;
import com.mka1.core.data.TrainingMethod;
import com.mka1.core.train.TrainingPlan;
import com.mka1.core.train.TrainingSettings;

/** Between the API's hyperparameters ("auto" or explicit) and the trainer's settings (null = auto). */
final class TrainingSettingsMapper {
    private TrainingSettingsMapper() {}

    static TrainingMethod method(Method m) {
        return switch (m) {
            case Method.Supervised s -> TrainingMethod.SUPERVISED;
            case Method.Dpo d -> TrainingMethod.DPO;
        };
    }

    static TrainingSettings settings(Hyperparameters h) {
        EngineSettings e = h.engine();
        return new TrainingSettings(h.nEpochs().valueOrNull(), h.batchSize().valueOrNull(),
                h.learningRateMultiplier().valueOrNull(), h.beta() == null ? null : h.beta().valueOrNull(),
                e.fullFineTune(), e.loraRank(), e.loraAlpha(), e.loraDropout(), e.loraTargetModules(), e.warmupRatio(),
                e.lrScheduler(), e.maxSeqLength(), e.backend(), e.trainableTokenIndices());
    }

    /** The hyperparameters with "auto" replaced by what the trainer resolved (beta and engine extras kept). */
    static Hyperparameters resolved(Hyperparameters h, TrainingPlan plan) {
        return h.withNEpochs(HyperparameterValue.of(plan.nEpochs()))
                .withBatchSize(HyperparameterValue.of(plan.batchSize()))
                .withLearningRateMultiplier(HyperparameterValue.of(plan.learningRateMultiplier()));
    }
}
