package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.CheckpointMetrics;

import java.io.IOException;

/**
 * {@code {"object": "fine_tuning.job.checkpoint", "id", "created_at", "fine_tuned_model_checkpoint",
 * "fine_tuning_job_id", "step_number", "metrics"}}; absent metrics are left out.
 */
public final class CheckpointCodec implements JsonCodec<Checkpoint> {
    public static final CheckpointCodec INSTANCE = new CheckpointCodec();

    private CheckpointCodec() {}

    @Override
    public void write(JsonGenerator g, Checkpoint c) throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "fine_tuning.job.checkpoint");
        g.writeStringField("id", c.id());
        g.writeNumberField("created_at", c.createdAt());
        g.writeStringField("fine_tuned_model_checkpoint", c.fineTunedModelCheckpoint());
        g.writeStringField("fine_tuning_job_id", c.fineTuningJobId());
        g.writeNumberField("step_number", c.stepNumber());
        CheckpointMetrics m = c.metrics();
        g.writeObjectFieldStart("metrics");
        g.writeNumberField("step", m.step());
        ApiWriter.optionalNumber(g, "train_loss", m.trainLoss());
        ApiWriter.optionalNumber(g, "train_mean_token_accuracy", m.trainMeanTokenAccuracy());
        ApiWriter.optionalNumber(g, "valid_loss", m.validLoss());
        ApiWriter.optionalNumber(g, "valid_mean_token_accuracy", m.validMeanTokenAccuracy());
        ApiWriter.optionalNumber(g, "full_valid_loss", m.fullValidLoss());
        ApiWriter.optionalNumber(g, "full_valid_mean_token_accuracy", m.fullValidMeanTokenAccuracy());
        g.writeEndObject();
        g.writeEndObject();
    }

    @Override
    public Checkpoint read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        FieldReader m = r.child("metrics");
        CheckpointMetrics metrics = new CheckpointMetrics(m.integer("step"), m.number("train_loss"),
                m.number("train_mean_token_accuracy"), m.number("valid_loss"), m.number("valid_mean_token_accuracy"),
                m.number("full_valid_loss"), m.number("full_valid_mean_token_accuracy"));
        return new Checkpoint(r.requiredString("id"), r.longValue("created_at"), r.requiredString("fine_tuned_model_checkpoint"),
                r.requiredString("fine_tuning_job_id"), r.integer("step_number"), metrics);
    }
}
