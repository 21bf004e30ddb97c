package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.InputMessage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields a Chat Completions and a Responses request share, read and written one way for both
 * (their value ranges are checked by {@link com.mka1.api.responses.ResponseCreateParams} itself).
 */
final class GenerationFields {
    private GenerationFields() {}

    /** {@code stop} as one string or a list of them. */
    static List<String> stop(FieldReader r) {
        return r.raw("stop") instanceof JsonValue.Str(String s) ? List.of(s) : r.stringList("stop");
    }

    /**
     * A message's {@code content}: a string, or a list of text parts of the given {@code partTypes}
     * joined; when absent, empty unless {@code required}.
     */
    static String content(FieldReader m, boolean required, Set<String> partTypes, String unsupportedPart) {
        if (m.raw("content") instanceof JsonValue.Str(String s)) {
            return s;
        }
        List<JsonValue> parts = m.array("content");
        if (parts == null) {
            if (required) throw FieldReader.missing(m.at("content"));
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            FieldReader part = FieldReader.of(parts.get(i), m.at("content") + "[" + i + "]");
            String type = part.requiredString("type");
            if (!partTypes.contains(type)) {
                throw invalid(part.at("type"), unsupportedPart + " '" + type + "'");
            }
            text.append(part.requiredString("text"));
        }
        return text.toString();
    }

    static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException("Invalid '" + field + "': " + problem + ".", field, "invalid_value");
    }

    /** {@code [{"role", "content"}, ...]} */
    static void writeMessages(JsonGenerator g, List<InputMessage> messages) throws IOException {
        g.writeStartArray();
        for (InputMessage m : messages) {
            g.writeStartObject();
            g.writeStringField("role", m.role());
            g.writeStringField("content", m.content());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** {@code stop} as a list, when there is any. */
    static void writeStop(JsonGenerator g, List<String> stop) throws IOException {
        if (stop.isEmpty()) return;
        g.writeArrayFieldStart("stop");
        for (String s : stop) g.writeString(s);
        g.writeEndArray();
    }

    /** {@code metadata} with its keys sorted, when there is any. */
    static void writeMetadata(JsonGenerator g, Map<String, String> metadata) throws IOException {
        if (metadata.isEmpty()) return;
        g.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) g.writeStringField(e.getKey(), e.getValue());
        g.writeEndObject();
    }
}
