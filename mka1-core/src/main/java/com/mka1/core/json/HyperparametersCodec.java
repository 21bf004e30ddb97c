package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;

import java.io.IOException;

/**
 * {@code {"n_epochs", "batch_size", "learning_rate_multiplier", "beta"?}} each "auto" or a number,
 * then the engine extras that are set ({@code lora_rank}, ...). {@code beta} is written for DPO only.
 */
public final class HyperparametersCodec {
    private HyperparametersCodec() {}

    public static void write(JsonGenerator g, Hyperparameters h) throws IOException {
        g.writeStartObject();
        value(g, "n_epochs", h.nEpochs());
        value(g, "batch_size", h.batchSize());
        value(g, "learning_rate_multiplier", h.learningRateMultiplier());
        if (h.beta() != null) value(g, "beta", h.beta());
        EngineSettings e = h.engine();
        if (e.loraRank() != null) g.writeNumberField("lora_rank", e.loraRank());
        if (e.loraAlpha() != null) g.writeNumberField("lora_alpha", e.loraAlpha());
        if (e.loraDropout() != null) g.writeNumberField("lora_dropout", e.loraDropout());
        if (e.loraTargetModules() != null) {
            g.writeArrayFieldStart("lora_target_modules");
            for (String m : e.loraTargetModules()) g.writeString(m);
            g.writeEndArray();
        }
        if (e.fullFineTune() != null) g.writeBooleanField("full_fine_tune", e.fullFineTune());
        if (e.warmupRatio() != null) g.writeNumberField("warmup_ratio", e.warmupRatio());
        if (e.lrScheduler() != null) g.writeStringField("lr_scheduler", e.lrScheduler());
        if (e.maxSeqLength() != null) g.writeNumberField("max_seq_length", e.maxSeqLength());
        if (e.backend() != null) g.writeStringField("backend", e.backend());
        if (e.trainableTokenIndices() != null) {
            g.writeArrayFieldStart("trainable_token_indices");
            for (int id : e.trainableTokenIndices()) g.writeNumber(id);
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** Reads hyperparameters; {@code dpo} decides whether {@code beta} is read. */
    public static Hyperparameters read(JsonValue json, String path, boolean dpo) {
        FieldReader r = FieldReader.of(json, path);
        EngineSettings engine = new EngineSettings(r.integer("lora_rank"), r.number("lora_alpha"),
                r.number("lora_dropout"), r.stringList("lora_target_modules"), r.bool("full_fine_tune"),
                r.number("warmup_ratio"), r.string("lr_scheduler"), r.integer("max_seq_length"), r.string("backend"),
                r.integerList("trainable_token_indices"));
        return new Hyperparameters(r.autoOrInteger("n_epochs"), r.autoOrInteger("batch_size"),
                r.autoOrNumber("learning_rate_multiplier"), dpo ? r.autoOrNumber("beta") : null, engine);
    }

    private static void value(JsonGenerator g, String name, HyperparameterValue<?> v) throws IOException {
        switch (v) {
            case HyperparameterValue.Auto<?> a -> g.writeStringField(name, "auto");
            case HyperparameterValue.Explicit<?>(Integer i) -> g.writeNumberField(name, i);
            case HyperparameterValue.Explicit<?>(Number n) -> g.writeNumberField(name, n.doubleValue());
        }
    }
}
