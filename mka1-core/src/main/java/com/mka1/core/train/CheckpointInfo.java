package com.mka1.core.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint the trainer wrote: a model-usable directory (PEFT adapter or full weights) plus
 * metrics ("step", "train_loss", "train_mean_token_accuracy", and "valid_*" / "full_valid_*"
 * when a validation file exists).
 */
public record CheckpointInfo(int step, Map<String, Double> metrics, Path modelDir) {
    public CheckpointInfo {
        metrics = Map.copyOf(metrics);
    }
}
