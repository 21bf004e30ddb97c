package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Responses create request. Reading accepts message content as a string or a list of
 * {@code input_text}/{@code output_text} parts and {@code stop} as a string or a list; unknown
 * fields are ignored. Writing (a client body) emits only the fields that are set.
 */
public final class ResponseCreateParamsCodec implements JsonCodec<ResponseCreateParams> {
    public static final ResponseCreateParamsCodec INSTANCE = new ResponseCreateParamsCodec();

    private ResponseCreateParamsCodec() {}

    @Override
    public ResponseCreateParams read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        String model = r.requiredString("model");
        if (!r.has("input")) {
            throw new InvalidRequestException("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }
        Double temperature = r.number("temperature");
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw invalid("temperature", "must be between 0 and 2, got " + temperature);
        }
        Double topP = r.number("top_p");
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw invalid("top_p", "must be greater than 0 and at most 1, got " + topP);
        }
        Integer maxOutputTokens = r.integer("max_output_tokens");
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw invalid("max_output_tokens", "must be at least 1, got " + maxOutputTokens);
        }
        Map<String, String> metadata = r.stringMap("metadata");
        if (metadata != null && metadata.size() > 16) {
            throw invalid("metadata", "may hold at most 16 pairs, got " + metadata.size());
        }
        Boolean stream = r.bool("stream");
        return new ResponseCreateParams(model, readInput(r), r.string("instructions"), maxOutputTokens, temperature, topP,
                stream != null && stream, metadata, r.bool("store"), r.string("previous_response_id"), r.string("user"),
                r.longValue("seed"), stop(r));
    }

    private static List<String> stop(FieldReader r) {
        JsonValue v = r.raw("stop");
        if (v instanceof JsonValue.Str(String s)) {
            return List.of(s);
        }
        return r.stringList("stop");
    }

    private static ResponseInput readInput(FieldReader r) {
        if (r.raw("input") instanceof JsonValue.Str(String text)) {
            return new ResponseInput.Text(text);
        }
        List<JsonValue> items = r.array("input");
        List<InputMessage> messages = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            FieldReader m = FieldReader.of(items.get(i), "input[" + i + "]");
            String type = m.string("type");
            if (type != null && !type.equals("message")) {
                throw invalid(m.at("type"), "unsupported input item type '" + type + "'");
            }
            String role = m.requiredString("role");
            if (!InputMessage.ROLES.contains(role)) {
                throw invalid(m.at("role"), "must be one of user, assistant, system, developer; got '" + role + "'");
            }
            messages.add(new InputMessage(role, content(m)));
        }
        return new ResponseInput.Messages(messages);
    }

    private static String content(FieldReader m) {
        if (m.raw("content") instanceof JsonValue.Str(String s)) {
            return s;
        }
        List<JsonValue> parts = m.array("content");
        if (parts == null) {
            throw new InvalidRequestException("Missing required parameter: '" + m.at("content") + "'.", m.at("content"),
                    "missing_required_parameter");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            FieldReader part = FieldReader.of(parts.get(i), m.at("content") + "[" + i + "]");
            String type = part.requiredString("type");
            if (!type.equals("input_text") && !type.equals("output_text") && !type.equals("text")) {
                throw invalid(part.at("type"), "unsupported content part type '" + type + "'");
            }
            text.append(part.requiredString("text"));
        }
        return text.toString();
    }

    private static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException("Invalid '" + field + "': " + problem + ".", field, "invalid_value");
    }

    @Override
    public void write(JsonGenerator g, ResponseCreateParams p) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", p.model());
        g.writeFieldName("input");
        switch (p.input()) {
            case ResponseInput.Text t -> g.writeString(t.text());
            case ResponseInput.Messages m -> {
                g.writeStartArray();
                for (InputMessage message : m.messages()) {
                    g.writeStartObject();
                    g.writeStringField("role", message.role());
                    g.writeStringField("content", message.content());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        }
        if (p.instructions() != null) {
            g.writeStringField("instructions", p.instructions());
        }
        if (p.maxOutputTokens() != null) {
            g.writeNumberField("max_output_tokens", p.maxOutputTokens());
        }
        ApiWriter.optionalNumber(g, "temperature", p.temperature());
        ApiWriter.optionalNumber(g, "top_p", p.topP());
        if (p.stream()) {
            g.writeBooleanField("stream", true);
        }
        if (!p.metadata().isEmpty()) {
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, String> e : new TreeMap<>(p.metadata()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        if (p.store() != null) {
            g.writeBooleanField("store", p.store());
        }
        if (p.previousResponseId() != null) {
            g.writeStringField("previous_response_id", p.previousResponseId());
        }
        if (p.user() != null) {
            g.writeStringField("user", p.user());
        }
        if (p.seed() != null) {
            g.writeNumberField("seed", p.seed());
        }
        if (!p.stop().isEmpty()) {
            g.writeArrayFieldStart("stop");
            for (String s : p.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }
}
