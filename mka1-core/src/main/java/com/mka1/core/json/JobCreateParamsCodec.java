package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.Method;

import java.io.IOException;
import java.util.Map;

/**
 * The create-job request body. The deprecated top-level {@code hyperparameters} applies when
 * {@code method} is absent or carries none; unknown fields are ignored.
 */
public final class JobCreateParamsCodec implements JsonCodec<JobCreateParams> {
    public static final JobCreateParamsCodec INSTANCE = new JobCreateParamsCodec();

    private JobCreateParamsCodec() {}

    @Override
    public JobCreateParams read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        String model = r.requiredString("model");
        String trainingFile = r.requiredString("training_file");
        JsonValue topLevel = r.raw("hyperparameters");
        if (topLevel != null) FieldReader.of(topLevel, "hyperparameters"); // type-check even when unused
        Method method = r.has("method") ? MethodCodec.read(r.raw("method"), "method", topLevel)
                : topLevel != null ? MethodCodec.read(new JsonValue.Obj(Map.of("type", new JsonValue.Str("supervised"))), "method", topLevel)
                : null;
        return new JobCreateParams(model, trainingFile, r.string("validation_file"), r.string("suffix"),
                r.longValue("seed"), method, r.stringMap("metadata"), r.array("integrations"));
    }

    @Override
    public void write(JsonGenerator g, JobCreateParams p) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", p.model());
        g.writeStringField("training_file", p.trainingFile());
        if (p.validationFile() != null) g.writeStringField("validation_file", p.validationFile());
        if (p.suffix() != null) g.writeStringField("suffix", p.suffix());
        if (p.seed() != null) g.writeNumberField("seed", p.seed());
        g.writeFieldName("method");
        MethodCodec.write(g, p.method());
        if (p.metadata() != null) ApiWriter.stringMap(g, "metadata", p.metadata());
        if (p.integrations() != null) ApiWriter.array(g, "integrations", p.integrations());
        g.writeEndObject();
    }
}
