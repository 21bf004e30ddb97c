package com.mka1.core.train;

import com.mka1.core.model.FineTuning;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.Projection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the engine settings into the model's {@link FineTuning}: full fine-tuning when asked,
 * otherwise LoRA with rank 8, alpha 16, dropout 0.05 on all seven projections unless set.
 */
final class FineTuningResolver {
    static final int DEFAULT_RANK = 8;
    static final double DEFAULT_ALPHA = 16;
    static final double DEFAULT_DROPOUT = 0.05;

    private FineTuningResolver() {}

    /** {@code initSeed} seeds the LoRA A matrices (the job's seed, so runs repeat). */
    static FineTuning resolve(TrainingSettings settings, long initSeed) throws TrainingFailedException {
        if (Boolean.TRUE.equals(settings.fullFineTune())) return new FineTuning.Full();
        int rank = settings.loraRank() != null ? settings.loraRank() : DEFAULT_RANK;
        if (rank < 1 || rank > 1024) throw invalid("lora_rank", "lora_rank must be between 1 and 1024, got " + rank);
        double alpha = settings.loraAlpha() != null ? settings.loraAlpha() : DEFAULT_ALPHA;
        if (!(alpha > 0)) throw invalid("lora_alpha", "lora_alpha must be > 0, got " + alpha);
        double dropout = settings.loraDropout() != null ? settings.loraDropout() : DEFAULT_DROPOUT;
        if (!(dropout >= 0 && dropout < 1)) throw invalid("lora_dropout", "lora_dropout must be in [0, 1), got " + dropout);
        return new FineTuning.Lora(new LoraSpec(rank, alpha, dropout, targets(settings.loraTargets()), initSeed));
    }

    private static Set<Projection> targets(List<String> names) throws TrainingFailedException {
        if (names == null) return EnumSet.allOf(Projection.class);
        if (names.isEmpty()) throw invalid("lora_target_modules", "lora_target_modules must name at least one module");
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        for (String name : names) {
            try {
                targets.addAll(Projection.parseModules(name));
            } catch (IllegalArgumentException e) {
                throw invalid("lora_target_modules", e.getMessage());
            }
        }
        return targets;
    }

    private static TrainingFailedException invalid(String field, String message) {
        return new TrainingFailedException("invalid_hyperparameters", "hyperparameters." + field, message);
    }
}
