package com.mka1.api.responses;

import com.mka1.api.JsonValue;
import java.util.Objects;

/**
 * The format the model's text must have: a Responses request's {@code text.format} (and a chat
 * request's {@code response_format}), echoed in the response's {@code text}. {@link JsonSchema}
 * and {@link JsonObject} are enforced by constrained decoding: every sampled token keeps the output
 * a prefix of a document in the format, and generation can only end when the document is whole.
 */
public sealed interface TextFormat {
    /** Free text (the default). */
    record Text() implements TextFormat {}

    /** Any JSON object ({@code {"type": "json_object"}}). */
    record JsonObject() implements TextFormat {}

    /**
     * A JSON document valid against {@code schema}.
     *
     * @param name        the format's name (letters, digits, '_' and '-', at most 64), required
     * @param description what the format is for, or null
     * @param schema      the JSON Schema, required
     * @param strict      whether the caller asked for strict adherence (null: not given); MKA1 constrains
     *                    the output either way
     */
    record JsonSchema(String name, String description, JsonValue schema, Boolean strict) implements TextFormat {
        public JsonSchema {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(schema, "schema");
        }
    }

    /** The default format, {@code {"type": "text"}}. */
    TextFormat TEXT = new Text();

    /** The wire name of the format's {@code type}. */
    default String type() {
        return switch (this) {
            case Text t -> "text";
            case JsonObject o -> "json_object";
            case JsonSchema s -> "json_schema";
        };
    }
}
