package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.Method;

import java.io.IOException;

/** {@code {"type": "supervised", "supervised": {"hyperparameters": {...}}}} (and the same for dpo). */
public final class MethodCodec {
    private MethodCodec() {}

    public static void write(JsonGenerator g, Method m) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", m.type());
        g.writeObjectFieldStart(m.type());
        g.writeFieldName("hyperparameters");
        HyperparametersCodec.write(g, m.hyperparameters());
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * Reads a method. {@code fallback} (the deprecated top-level hyperparameters, or null) applies
     * when the method carries none of its own. {@code reinforcement} is refused.
     */
    public static Method read(JsonValue json, String path, JsonValue fallback) {
        FieldReader r = FieldReader.of(json, path);
        String type = r.requiredString("type");
        boolean dpo = switch (type) {
            case "supervised" -> false;
            case "dpo" -> true;
            case "reinforcement" -> throw new InvalidRequestException(
                    "Method 'reinforcement' is not supported; use 'supervised' or 'dpo'.", r.at("type"), "unsupported_method");
            default -> throw new InvalidRequestException("Invalid '" + r.at("type") + "': '" + type
                    + "' (expected 'supervised' or 'dpo').", r.at("type"), "invalid_value");
        };
        FieldReader body = r.child(type);
        JsonValue own = body == null ? null : body.raw("hyperparameters");
        Hyperparameters h;
        if (own != null) h = HyperparametersCodec.read(own, body.at("hyperparameters"), dpo);
        else if (fallback != null) h = HyperparametersCodec.read(fallback, "hyperparameters", dpo);
        else h = dpo ? Hyperparameters.autoDpo() : Hyperparameters.auto();
        return dpo ? new Method.Dpo(h) : new Method.Supervised(h);
    }
}
