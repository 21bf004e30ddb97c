package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static com.mka1.core.json.GenerationFields.invalid;

/**
 * A {@code /chat/completions} request read as the Responses request that serves it: {@code messages}
 * become the input, {@code max_completion_tokens} (or the older {@code max_tokens}) the output
 * limit; {@code temperature}, {@code top_p}, {@code seed}, {@code stop}, {@code stream},
 * {@code metadata}, {@code user} carry over. Chat completions are not stored unless
 * {@code store: true}.
 */
public final class ChatCompletionRequestCodec implements JsonCodec<ResponseCreateParams> {
    public static final ChatCompletionRequestCodec INSTANCE = new ChatCompletionRequestCodec();

    private static final Set<String> TEXT_PARTS = Set.of("text");

    private ChatCompletionRequestCodec() {}

    @Override
    public ResponseCreateParams read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        String model = r.requiredString("model");
        List<JsonValue> items = r.array("messages");
        if (items == null || items.isEmpty()) {
            throw FieldReader.missing("messages");
        }
        List<InputMessage> messages = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            FieldReader m = FieldReader.of(items.get(i), "messages[" + i + "]");
            String role = m.requiredString("role");
            if (!InputMessage.ROLES.contains(role)) {
                throw invalid(m.at("role"), "must be one of system, developer, user, assistant; got '" + role + "'");
            }
            messages.add(new InputMessage(role, GenerationFields.content(m, false, TEXT_PARTS, "only text content parts are supported, got")));
        }
        Integer max = r.integer("max_completion_tokens");
        if (max == null) {
            max = r.integer("max_tokens");
        }
        if (max != null && max < 1) { // checked here to name the chat field
            throw invalid(r.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", "must be at least 1, got " + max);
        }
        Double temperature = r.number("temperature");
        Double topP = r.number("top_p");
        Boolean stream = r.bool("stream");
        Boolean store = r.bool("store");
        return new ResponseCreateParams(model, new ResponseInput.Messages(messages), null, max, temperature, topP,
                stream != null && stream, r.stringMap("metadata"), store != null && store, null, r.string("user"),
                r.longValue("seed"), GenerationFields.stop(r));
    }

    /** Whether a streamed request asks for the final usage chunk ({@code stream_options.include_usage}). */
    public static boolean includeUsage(JsonValue json) {
        FieldReader options = FieldReader.of(json, "").child("stream_options");
        Boolean include = options == null ? null : options.bool("include_usage");
        return include != null && include;
    }

    /** Writes the chat request form of {@code p} (instructions and previous_response_id have no chat form). */
    @Override
    public void write(JsonGenerator g, ResponseCreateParams p) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", p.model());
        g.writeFieldName("messages");
        GenerationFields.writeMessages(g, p.input().messages());
        if (p.maxOutputTokens() != null) {
            g.writeNumberField("max_completion_tokens", p.maxOutputTokens());
        }
        ApiWriter.optionalNumber(g, "temperature", p.temperature());
        ApiWriter.optionalNumber(g, "top_p", p.topP());
        if (p.seed() != null) {
            g.writeNumberField("seed", p.seed());
        }
        GenerationFields.writeStop(g, p.stop());
        if (p.stream()) {
            g.writeBooleanField("stream", true);
        }
        if (Boolean.TRUE.equals(p.store())) {
            g.writeBooleanField("store", true);
        }
        GenerationFields.writeMetadata(g, p.metadata());
        if (p.user() != null) {
            g.writeStringField("user", p.user());
        }
        g.writeEndObject();
    }
}
