package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.Mka1Exception;

import java.io.IOException;

/** The error envelope: {@code {"error": {"message", "type", "param", "code"}}}. */
public final class ErrorCodec {
    private ErrorCodec() {}

    public static void write(JsonGenerator g, Mka1Exception e) throws IOException {
        write(g, e.getMessage(), e.type(), e.param(), e.code());
    }

    /** The envelope for errors that have no exception (e.g. 405 from a router). */
    public static void write(JsonGenerator g, String message, String type, String param, String code) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        ApiWriter.string(g, "message", message);
        g.writeStringField("type", type);
        ApiWriter.string(g, "param", param);
        ApiWriter.string(g, "code", code);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The envelope as compact JSON text. */
    public static String toJson(Mka1Exception e) {
        return Json.write(new JsonCodec<>() {
            @Override
            public void write(JsonGenerator g, Mka1Exception value) throws IOException {
                ErrorCodec.write(g, value);
            }

            @Override
            public Mka1Exception read(com.mka1.api.JsonValue json) {
                throw new UnsupportedOperationException("errors are only written");
            }
        }, e);
    }
}
