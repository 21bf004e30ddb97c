package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;

import com.mka1.api.JsonValue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Small helpers for writing nullable fields with jackson's generator. */
final class ApiWriter {
    private ApiWriter() {}

    static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) g.writeNullField(name);
        else g.writeStringField(name, value);
    }

    static void number(JsonGenerator g, String name, Long value) throws IOException {
        if (value == null) g.writeNullField(name);
        else g.writeNumberField(name, value);
    }

    /** A field the schema types as a plain string (never null): left out when there is no value. */
    static void optionalString(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) g.writeStringField(name, value);
    }

    /** A field the schema types as a plain integer (never null): left out when there is no value. */
    static void optionalNumber(JsonGenerator g, String name, Long value) throws IOException {
        if (value != null) g.writeNumberField(name, value);
    }

    /** An empty {@code logprobs} array: the schema requires it on output text; we never compute log probabilities. */
    static void noLogprobs(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("logprobs");
        g.writeEndArray();
    }

    static void optionalNumber(JsonGenerator g, String name, Double value) throws IOException {
        if (value != null) g.writeNumberField(name, value);
    }

    /** A string-to-string map as an object ({@code metadata}), or null. */
    static void stringMap(JsonGenerator g, String name, Map<String, String> map) throws IOException {
        if (map == null) {
            g.writeNullField(name);
            return;
        }
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : map.entrySet()) g.writeStringField(e.getKey(), e.getValue());
        g.writeEndObject();
    }

    /** A list of arbitrary JSON values as an array ({@code integrations}), or null. */
    static void array(JsonGenerator g, String name, List<JsonValue> items) throws IOException {
        g.writeFieldName(name);
        Json.writeValue(g, items == null ? JsonValue.Null.INSTANCE : new JsonValue.Arr(items));
    }
}
