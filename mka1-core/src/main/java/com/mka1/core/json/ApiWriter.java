package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

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

    static void optionalNumber(JsonGenerator g, String name, Double value) throws IOException {
        if (value != null) g.writeNumberField(name, value);
    }
}
