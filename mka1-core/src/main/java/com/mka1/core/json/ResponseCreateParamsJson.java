package com.mka1.core.json;

import static com.mka1.core.json.JsonTree.asArray;
import static com.mka1.core.json.JsonTree.asObject;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON codec of a Responses create request. Reading accepts message content as a string or a
 * list of {@code input_text} / {@code output_text} parts; unknown fields are ignored.
 */
@Deprecated(forRemoval = true) // interim helper until every caller uses ResponseCreateParamsCodec
public final class ResponseCreateParamsJson {
    private ResponseCreateParamsJson() {}

    public static ResponseCreateParams fromJson(String json) {
        return read(JsonTree.parseObject(json));
    }

    public static ResponseCreateParams read(Map<String, Object> o) {
        String model = JsonTree.requiredString(o, "model");
        if (!o.containsKey("input") || o.get("input") == null) {
            throw new JsonFieldException("input", "is required");
        }
        Double temperature = JsonTree.number(o, "temperature");
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new JsonFieldException("temperature", "must be between 0 and 2, got " + temperature);
        }
        Double topP = JsonTree.number(o, "top_p");
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw new JsonFieldException("top_p", "must be in (0, 1], got " + topP);
        }
        Integer maxOutputTokens = JsonTree.int32(o, "max_output_tokens");
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw new JsonFieldException("max_output_tokens", "must be at least 1, got " + maxOutputTokens);
        }
        Boolean stream = JsonTree.bool(o, "stream");
        Map<String, String> metadata = JsonTree.stringMap(o, "metadata");
        if (metadata != null && metadata.size() > 16) {
            throw new JsonFieldException("metadata", "may hold at most 16 pairs, got " + metadata.size());
        }
        return new ResponseCreateParams(model, readInput(o.get("input")), JsonTree.string(o, "instructions"),
                maxOutputTokens, temperature, topP, stream != null && stream, metadata, JsonTree.bool(o, "store"),
                JsonTree.string(o, "previous_response_id"), JsonTree.string(o, "user"), JsonTree.integer(o, "seed"),
                JsonTree.stringOrStrings(o, "stop"));
    }

    /** Reads an {@code input} value: a string or a list of messages. */
    public static ResponseInput readInput(Object input) {
        if (input instanceof String s) {
            return new ResponseInput.Text(s);
        }
        List<Object> items = asArray("input", input);
        List<InputMessage> messages = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String field = "input[" + i + "]";
            Map<String, Object> m = asObject(field, items.get(i));
            String type = JsonTree.string(m, "type");
            if (type != null && !"message".equals(type)) {
                throw new JsonFieldException(field + ".type", "unsupported input item type '" + type + "'");
            }
            String role = JsonTree.requiredString(m, "role");
            if (!InputMessage.ROLES.contains(role)) {
                throw new JsonFieldException(field + ".role", "must be one of user, assistant, system, developer; got '" + role + "'");
            }
            messages.add(new InputMessage(role, readContent(field + ".content", m.get("content"))));
        }
        return new ResponseInput.Messages(messages);
    }

    private static String readContent(String field, Object content) {
        if (content instanceof String s) {
            return s;
        }
        if (content == null) {
            throw new JsonFieldException(field, "is required");
        }
        StringBuilder text = new StringBuilder();
        List<Object> parts = asArray(field, content);
        for (int i = 0; i < parts.size(); i++) {
            Map<String, Object> part = asObject(field + "[" + i + "]", parts.get(i));
            String type = JsonTree.requiredString(part, "type");
            if (!type.equals("input_text") && !type.equals("output_text") && !type.equals("text")) {
                throw new JsonFieldException(field + "[" + i + "].type", "unsupported content part type '" + type + "'");
            }
            text.append(JsonTree.requiredString(part, "text"));
        }
        return text.toString();
    }

    public static String toJson(ResponseCreateParams p) {
        return JsonOutput.write(g -> write(g, p));
    }

    /** Writes the request with only the fields that are set (a client body). */
    public static void write(JsonGenerator g, ResponseCreateParams p) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", p.model());
        g.writeFieldName("input");
        writeInput(g, p.input());
        if (p.instructions() != null) {
            g.writeStringField("instructions", p.instructions());
        }
        if (p.maxOutputTokens() != null) {
            g.writeNumberField("max_output_tokens", p.maxOutputTokens());
        }
        if (p.temperature() != null) {
            g.writeNumberField("temperature", p.temperature());
        }
        if (p.topP() != null) {
            g.writeNumberField("top_p", p.topP());
        }
        if (p.stream()) {
            g.writeBooleanField("stream", true);
        }
        if (!p.metadata().isEmpty()) {
            JsonOutput.stringMap(g, "metadata", new TreeMap<>(p.metadata()));
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

    private static void writeInput(JsonGenerator g, ResponseInput input) throws IOException {
        switch (input) {
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
    }
}
