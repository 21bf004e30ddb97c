package com.mka1.core.registry.tiny;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Writes one free-form JSON document (a model file) with a generator. */
final class JsonDocument {
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private JsonDocument() {}

    static String write(boolean pretty, Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
