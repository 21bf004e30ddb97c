package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.chat.ChatToolCall;
import com.mka1.api.responses.FunctionCall;
import com.mka1.api.responses.FunctionCallOutput;
import com.mka1.api.responses.InputItem;
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
 * {@code metadata}, {@code user}, {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} carry over;
 * assistant {@code tool_calls} become function call items and {@code tool} messages their outputs.
 * Chat completions are not stored unless {@code store: true}. OpenAI fields not implemented here ({@code n} above 1, ...) are accepted only at the value that matches what is
 * done anyway; any other value, or an unknown field, is a 400 naming it.
 */
public final class ChatCompletionRequestCodec implements JsonCodec<ResponseCreateParams> {
    public static final ChatCompletionRequestCodec INSTANCE = new ChatCompletionRequestCodec();

    private static final Set<String> TEXT_PARTS = Set.of("text");

    private static final String NO_TOOLS = "built-in tools and the legacy functions are not implemented; use tools";
    private static final RequestFields FIELDS = RequestFields.builder()
            .read("model", "messages", "max_completion_tokens", "max_tokens", "temperature", "top_p", "seed", "stop",
                    "stream", "metadata", "store", "user")
            .rule("stream_options", RequestFields.anyOf(JsonValue.Obj.class, "an object"))
            .read("tools", "tool_choice", "parallel_tool_calls") // ToolsCodec reads and checks them
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
        List<InputItem> messages = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            FieldReader m = FieldReader.of(items.get(i), "messages[" + i + "]");
            String role = m.requiredString("role");
            if (role.equals("tool")) {
                messages.add(new FunctionCallOutput(m.requiredString("tool_call_id"),
                        GenerationFields.content(m, true, TEXT_PARTS, "only text content parts are supported, got")));
                continue;
            }
            if (!InputMessage.ROLES.contains(role)) {
                throw invalid(m.at("role"), "must be one of system, developer, user, assistant, tool; got '" + role + "'");
            }
            List<ChatToolCall> calls = role.equals("assistant") ? ChatToolCallCodec.read(m) : List.of();
            String content = GenerationFields.content(m, false, TEXT_PARTS, "only text content parts are supported, got");
            if (calls.isEmpty() || !content.isEmpty()) {
                messages.add(new InputMessage(role, content));
            }
            for (ChatToolCall call : calls) {
                messages.add(new FunctionCall(null, call.id(), call.name(), call.arguments(), null));
            }
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
        return new ResponseCreateParams(model, ResponseInput.ofItems(messages), null, max, temperature, topP,
                stream != null && stream, r.stringMap("metadata"), store != null && store, null, r.string("user"),
                r.longValue("seed"), GenerationFields.stop(r), TextFormatCodec.readResponseFormat(r), ToolsCodec.read(r, true));
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
        writeMessages(g, p.input().items());
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
        ToolsCodec.writeRequest(g, p.tools(), true);
        g.writeEndObject();
    }

    /** Items as chat messages: function calls join an assistant message's tool_calls, outputs are tool messages. */
    private static void writeMessages(JsonGenerator g, List<InputItem> items) throws IOException {
        g.writeArrayFieldStart("messages");
        for (int i = 0; i < items.size(); i++) {
            switch (items.get(i)) {
                case InputMessage m -> {
                    g.writeStartObject();
                    g.writeStringField("role", m.role());
                    g.writeStringField("content", m.content());
                    g.writeEndObject();
                }
                case FunctionCall c -> {
                    List<ChatToolCall> calls = new ArrayList<>();
                    calls.add(new ChatToolCall(0, c.callId(), c.name(), c.arguments()));
                    while (i + 1 < items.size() && items.get(i + 1) instanceof FunctionCall next) {
                        calls.add(new ChatToolCall(calls.size(), next.callId(), next.name(), next.arguments()));
                        i++;
                    }
                    g.writeStartObject();
                    g.writeStringField("role", "assistant");
                    ChatToolCallCodec.write(g, calls, false);
                    g.writeEndObject();
                }
                case FunctionCallOutput o -> {
                    g.writeStartObject();
                    g.writeStringField("role", "tool");
                    g.writeStringField("tool_call_id", o.callId());
                    g.writeStringField("content", o.output());
                    g.writeEndObject();
                }
            }
        }
        g.writeEndArray();
    }
}
