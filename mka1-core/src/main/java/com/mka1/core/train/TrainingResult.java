package com.mka1.core.train;

import java.nio.file.Path;
import java.util.Map;

/** How a {@link Trainer#train} call ended (failures are exceptions). */
public sealed interface TrainingResult {
    /**
     * Training finished: {@code modelDir} holds the final model (PEFT adapter or full weights);
     * {@code trainedTokens} is tokens per epoch times epochs; {@code finalMetrics} the last
     * step's metrics plus full_valid_* when a validation file exists.
     */
    record Completed(Path modelDir, long trainedTokens, Map<String, Double> finalMetrics) implements TrainingResult {
        public Completed {
            finalMetrics = Map.copyOf(finalMetrics);
        }
    }

    /** Stopped at a step boundary on request; resumable state for {@code step} is saved. */
    record Stopped(int step) implements TrainingResult {}
}
