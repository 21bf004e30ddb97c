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
 * limit, {@code response_format} the output format; {@code temperature}, {@code top_p}, {@code seed}, {@code stop}, {@code stream},
 * {@code metadata}, {@code user} carry over. Chat completions are not stored unless
 * {@code store: true}. OpenAI fields not implemented here ({@code tools}, {@code n} above 1, ...) are accepted only at the value that matches what is
 * done anyway; any other value, or an unknown field, is a 400 naming it.
 */
public final class ChatCompletionRequestCodec implements JsonCodec<ResponseCreateParams> {
    public static final ChatCompletionRequestCodec INSTANCE = new ChatCompletionRequestCodec();

    private static final Set<String> TEXT_PARTS = Set.of("text");

    private static final String NO_TOOLS = "function and built-in tools are not implemented";
    private static final RequestFields FIELDS = RequestFields.builder()
            .read("model", "messages", "max_completion_tokens", "max_tokens", "temperature", "top_p", "seed", "stop",
                    "stream", "metadata", "store", "user")
            .rule("stream_options", RequestFields.anyOf(JsonValue.Obj.class, "an object"))
            .rule("tools", RequestFields.onlyWhen(JsonValue.Arr.class, "an array", RequestFields::isEmptyArray, NO_TOOLS))
            .rule("tool_choice", RequestFields.strings(Set.of("auto", "none"), Set.of("auto", "none", "required"), NO_TOOLS))
            .rule("parallel_tool_calls", RequestFields.anyOf(JsonValue.Bool.class, "a boolean"))
            .rule("functions", RequestFields.unsupported(JsonValue.Arr.class, "an array", NO_TOOLS))
            .rule("function_call", RequestFields.unsupported(JsonValue.class, "a string or an object", NO_TOOLS))
            .rule("response_format", RequestFields.READ) // TextFormatCodec reads and checks it
            .rule("n", RequestFields.onlyWhen(JsonValue.Num.class, "an integer",
                    v -> ((JsonValue.Num) v).value().compareTo(java.math.BigDecimal.ONE) == 0, "one choice per request"))
            .rule("logprobs", RequestFields.onlyWhen(JsonValue.Bool.class, "a boolean", v -> !((JsonValue.Bool) v).value(),
                    "log probabilities are not returned"))
            .rule("top_logprobs", RequestFields.onlyWhen(JsonValue.Num.class, "an integer",
                    v -> ((JsonValue.Num) v).value().signum() == 0, "log probabilities are not returned"))
            .rule("frequency_penalty", RequestFields.onlyWhen(JsonValue.Num.class, "a number",
                    v -> ((JsonValue.Num) v).value().signum() == 0, "penalties are not implemented"))
            .rule("presence_penalty", RequestFields.onlyWhen(JsonValue.Num.class, "a number",
                    v -> ((JsonValue.Num) v).value().signum() == 0, "penalties are not implemented"))
            .rule("logit_bias", RequestFields.onlyWhen(JsonValue.Obj.class, "an object",
                    v -> ((JsonValue.Obj) v).fields().isEmpty(), "logit bias is not implemented"))
            .rule("modalities", RequestFields.onlyWhen(JsonValue.Arr.class, "an array",
                    v -> ((JsonValue.Arr) v).items().equals(java.util.List.of(new JsonValue.Str("text"))), "only text output"))
            .rule("audio", RequestFields.unsupported(JsonValue.Obj.class, "an object", "only text output"))
            .rule("prediction", RequestFields.unsupported(JsonValue.Obj.class, "an object", "predicted outputs are not implemented"))
            .rule("reasoning_effort", RequestFields.unsupported(JsonValue.Str.class, "a string", "reasoning models are not served"))
            .rule("web_search_options", RequestFields.unsupported(JsonValue.Obj.class, "an object", NO_TOOLS))
            .rule("service_tier", RequestFields.anyOf(JsonValue.Str.class, "a string"))
            .rule("prompt_cache_key", RequestFields.anyOf(JsonValue.Str.class, "a string"))
            .rule("safety_identifier", RequestFields.anyOf(JsonValue.Str.class, "a string"))
            .build();

    private ChatCompletionRequestCodec() {}

    @Override
    public ResponseCreateParams read(JsonValue json) {
        FIELDS.check(json);
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
                r.longValue("seed"), GenerationFields.stop(r), TextFormatCodec.readResponseFormat(r));
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
        TextFormatCodec.writeResponseFormat(g, p.text());
        g.writeEndObject();
    }
}
