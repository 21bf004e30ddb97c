package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobStatus;

import java.io.IOException;
import java.util.List;

/** The job object, fields in the order of the API spec, then {@code user}. */
public final class FineTuningJobCodec implements JsonCodec<FineTuningJob> {
    public static final FineTuningJobCodec INSTANCE = new FineTuningJobCodec();

    private FineTuningJobCodec() {}

    @Override
    public void write(JsonGenerator g, FineTuningJob j) throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "fine_tuning.job");
        g.writeStringField("id", j.id());
        g.writeStringField("model", j.model());
        g.writeNumberField("created_at", j.createdAt());
        ApiWriter.number(g, "finished_at", j.finishedAt());
        ApiWriter.string(g, "fine_tuned_model", j.fineTunedModel());
        ApiWriter.string(g, "organization_id", j.organizationId());
        g.writeArrayFieldStart("result_files");
        for (String id : j.resultFiles()) g.writeString(id);
        g.writeEndArray();
        g.writeStringField("status", j.status().wireName());
        ApiWriter.string(g, "validation_file", j.validationFile());
        g.writeStringField("training_file", j.trainingFile());
        g.writeFieldName("hyperparameters");
        HyperparametersCodec.write(g, j.hyperparameters());
        g.writeFieldName("method");
        MethodCodec.write(g, j.method());
        ApiWriter.number(g, "trained_tokens", j.trainedTokens());
        g.writeFieldName("error");
        writeError(g, j.error());
        ApiWriter.array(g, "integrations", j.integrations());
        g.writeNumberField("seed", j.seed());
        ApiWriter.number(g, "estimated_finish", j.estimatedFinish());
        ApiWriter.stringMap(g, "metadata", j.metadata());
        ApiWriter.string(g, "user_provided_suffix", j.userProvidedSuffix());
        ApiWriter.string(g, "user", j.user());
        g.writeEndObject();
    }

    private static void writeError(JsonGenerator g, JobError e) throws IOException {
        if (e == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("code", e.code());
        g.writeStringField("message", e.message());
        ApiWriter.string(g, "param", e.param());
        g.writeEndObject();
    }

    @Override
    public FineTuningJob read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        FieldReader err = r.child("error");
        JobError error = err == null ? null
                : new JobError(err.requiredString("code"), err.requiredString("message"), err.string("param"));
        List<String> resultFiles = r.stringList("result_files");
        return new FineTuningJob(r.requiredString("id"), r.requiredString("model"), r.longValue("created_at"),
                r.longValue("finished_at"), r.string("fine_tuned_model"), r.string("organization_id"),
                resultFiles == null ? List.of() : resultFiles, JobStatus.fromWire(r.requiredString("status")),
                r.string("validation_file"), r.requiredString("training_file"),
                MethodCodec.read(r.raw("method"), "method", r.raw("hyperparameters")), r.longValue("trained_tokens"),
                error, r.array("integrations"), r.longValue("seed"), r.longValue("estimated_finish"),
                r.stringMap("metadata"), r.string("user_provided_suffix"), r.string("user"));
    }
}
