package com.mka1.api.finetuning;

import java.util.Objects;

/**
 * A model saved during training ({@code "object": "fine_tuning.job.checkpoint"}); its
 * {@code fineTunedModelCheckpoint} id can be used for inference like the final model while the
 * trainer keeps its directory (the last three checkpoints). Older ones stay listed with their
 * metrics, but their model id is no longer served.
 *
 * @param id                       {@code ftckpt_} + 32 hex
 * @param createdAt                Unix seconds
 * @param fineTunedModelCheckpoint model id, e.g. "ft:meetkai:functionary-medium:support-bot:ckpt-step-88"
 * @param fineTuningJobId          the job that wrote it
 * @param stepNumber               the step it was taken at
 * @param metrics                  metrics at that step
 */
public record Checkpoint(String id, long createdAt, String fineTunedModelCheckpoint, String fineTuningJobId,
                         int stepNumber, CheckpointMetrics metrics) {
    public Checkpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fineTunedModelCheckpoint, "fineTunedModelCheckpoint");
        Objects.requireNonNull(fineTuningJobId, "fineTuningJobId");
        Objects.requireNonNull(metrics, "metrics");
    }
}
