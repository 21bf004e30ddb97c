package com.mka1.core.train;

import java.nio.file.Path;
import java.util.Objects;
import com.mka1.core.data.TrainingMethod;

/**
 * Everything a {@link Trainer} needs for one job.
 *
 * @param jobId          the job id (for logs)
 * @param baseModelId    the base model's API id ("meetkai:functionary-medium")
 * @param baseModelDir   directory with config.json, *.safetensors, tokenizer.json
 * @param trainingFile   the validated JSONL training file
 * @param validationFile the JSONL validation file, or null
 * @param method         supervised or DPO
 * @param settings       requested hyperparameters (null fields mean "auto")
 * @param seed           the job's seed
 * @param stateDir       private directory for resumable state (created by the caller)
 * @param outputDir      where checkpoints and the final model go (created by the caller)
 */
public record TrainingRun(String jobId, String baseModelId, Path baseModelDir, Path trainingFile,
                          Path validationFile, TrainingMethod method, TrainingSettings settings,
                          long seed, Path stateDir, Path outputDir) {
    public TrainingRun {
        Objects.requireNonNull(jobId);
        Objects.requireNonNull(baseModelDir);
        Objects.requireNonNull(trainingFile);
        Objects.requireNonNull(method);
        Objects.requireNonNull(settings);
        Objects.requireNonNull(stateDir);
        Objects.requireNonNull(outputDir);
    }
}
