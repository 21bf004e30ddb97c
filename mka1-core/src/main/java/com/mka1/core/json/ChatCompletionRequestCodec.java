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

/**
 * A {@code /chat/completions} request read as the Responses request that serves it: {@code messages}
 * become the input, {@code max_completion_tokens} (or the older {@code max_tokens}) the output
 * limit; {@code temperature}, {@code top_p}, {@code seed}, {@code stop}, {@code stream},
 * {@code metadata}, {@code user} carry over. Chat completions are not stored unless
 * {@code store: true}.
 */
public final class ChatCompletionRequestCodec implements JsonCodec<ResponseCreateParams> {
    public static final ChatCompletionRequestCodec INSTANCE = new ChatCompletionRequestCodec();

    private ChatCompletionRequestCodec() {}

    @Override
    public ResponseCreateParams read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        String model = r.requiredString("model");
        List<JsonValue> items = r.array("messages");
        if (items == null || items.isEmpty()) {
            throw new InvalidRequestException("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        List<InputMessage> messages = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            FieldReader m = FieldReader.of(items.get(i), "messages[" + i + "]");
            String role = m.requiredString("role");
            if (!InputMessage.ROLES.contains(role)) {
                throw invalid(m.at("role"), "must be one of system, developer, user, assistant; got '" + role + "'");
            }
            messages.add(new InputMessage(role, content(m)));
        }
        Integer max = r.integer("max_completion_tokens");
        if (max == null) {
            max = r.integer("max_tokens");
        }
        if (max != null && max < 1) {
            throw invalid(r.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", "must be at least 1, got " + max);
        }
        Double temperature = r.number("temperature");
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw invalid("temperature", "must be between 0 and 2, got " + temperature);
        }
        Double topP = r.number("top_p");
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw invalid("top_p", "must be greater than 0 and at most 1, got " + topP);
        }
        Boolean stream = r.bool("stream");
        Boolean store = r.bool("store");
        List<String> stop = r.raw("stop") instanceof JsonValue.Str(String s) ? List.of(s) : r.stringList("stop");
        return new ResponseCreateParams(model, new ResponseInput.Messages(messages), null, max, temperature, topP,
                stream != null && stream, r.stringMap("metadata"), store != null && store, null, r.string("user"),
                r.longValue("seed"), stop);
    }

    private static String content(FieldReader m) {
        if (m.raw("content") instanceof JsonValue.Str(String s)) {
            return s;
        }
        List<JsonValue> parts = m.array("content");
        if (parts == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            FieldReader part = FieldReader.of(parts.get(i), m.at("content") + "[" + i + "]");
            String type = part.requiredString("type");
            if (!type.equals("text")) {
                throw invalid(part.at("type"), "only text content parts are supported, got '" + type + "'");
            }
            text.append(part.requiredString("text"));
        }
        return text.toString();
    }

    private static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException("Invalid '" + field + "': " + problem + ".", field, "invalid_value");
    }

    /** Writes the chat request form of {@code p} (instructions and previous_response_id have no chat form). */
    @Override
    public void write(JsonGenerator g, ResponseCreateParams p) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", p.model());
        g.writeArrayFieldStart("messages");
        for (InputMessage m : p.input().messages()) {
            g.writeStartObject();
            g.writeStringField("role", m.role());
            g.writeStringField("content", m.content());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (p.maxOutputTokens() != null) {
            g.writeNumberField("max_completion_tokens", p.maxOutputTokens());
        }
        ApiWriter.optionalNumber(g, "temperature", p.temperature());
        ApiWriter.optionalNumber(g, "top_p", p.topP());
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
        if (p.stream()) {
            g.writeBooleanField("stream", true);
        }
        if (Boolean.TRUE.equals(p.store())) {
            g.writeBooleanField("store", true);
        }
        if (!p.metadata().isEmpty()) {
            g.writeObjectFieldStart("metadata");
            for (var e : new java.util.TreeMap<>(p.metadata()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        if (p.user() != null) {
            g.writeStringField("user", p.user());
        }
        g.writeEndObject();
    }
}
