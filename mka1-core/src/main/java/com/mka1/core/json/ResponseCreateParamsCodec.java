package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.InputItem;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseInput;
import com.mka1.api.responses.TextFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.mka1.core.json.GenerationFields.invalid;

/**
 * A Responses create request. Reading accepts message content as a string or a list of
 * {@code input_text}/{@code output_text} parts, {@code stop} as a string or a list and the output
 * format from {@code text.format}, function tools ({@code tools}, {@code tool_choice}, ...) and
 * {@code function_call} / {@code function_call_output} input items. OpenAI fields this server does
 * not implement yet are accepted only at the value that matches what it does ({@code "include": []});
 * any other value, or an unknown field, is a 400 naming it. Writing (a client body) emits only the fields that are set.
 */
public final class ResponseCreateParamsCodec implements JsonCodec<ResponseCreateParams> {
    public static final ResponseCreateParamsCodec INSTANCE = new ResponseCreateParamsCodec();

    private static final Set<String> TEXT_PARTS = Set.of("input_text", "output_text", "text");

    private static final RequestFields FIELDS = RequestFields.builder()
            .read("model", "input", "instructions", "max_output_tokens", "temperature", "top_p", "stream", "metadata",
                    "store", "previous_response_id", "user", "seed", "stop")
            .read("tools", "tool_choice", "parallel_tool_calls", "max_tool_calls") // ToolsCodec reads and checks them
            .rule("text", RequestFields.READ) // output formats: TextFormatCodec reads and checks them
            .rule("reasoning", RequestFields.unsupported(JsonValue.Obj.class, "an object", "reasoning models are not served"))
            .rule("include", RequestFields.onlyWhen(JsonValue.Arr.class, "an array", RequestFields::isEmptyArray,
                    "no additional output data is produced"))
            .rule("background", RequestFields.onlyWhen(JsonValue.Bool.class, "a boolean",
                    v -> !((JsonValue.Bool) v).value(), "background responses are not implemented"))
            .rule("truncation", RequestFields.strings(Set.of("disabled"), Set.of("auto", "disabled"),
                    "an input longer than the context is refused, never truncated"))
            .rule("top_logprobs", RequestFields.onlyWhen(JsonValue.Num.class, "an integer",
                    v -> ((JsonValue.Num) v).value().signum() == 0, "log probabilities are not returned"))
            .rule("prompt", RequestFields.unsupported(JsonValue.Obj.class, "an object", "stored prompts are not implemented"))
            .rule("conversation", RequestFields.unsupported(JsonValue.class, "a string or an object",
                    "conversations are not implemented; use previous_response_id"))
            .rule("service_tier", RequestFields.anyOf(JsonValue.Str.class, "a string"))
            .rule("prompt_cache_key", RequestFields.anyOf(JsonValue.Str.class, "a string"))
            .rule("safety_identifier", RequestFields.anyOf(JsonValue.Str.class, "a string"))
            .rule("stream_options", RequestFields.anyOf(JsonValue.Obj.class, "an object"))
            .build();

    private ResponseCreateParamsCodec() {}

    @Override
    public ResponseCreateParams read(JsonValue json) {
        FIELDS.check(json);
        FieldReader r = FieldReader.of(json, "");
        String model = r.requiredString("model");
        if (!r.has("input")) {
            throw FieldReader.missing("input");
        }
        Double temperature = r.number("temperature");
        Double topP = r.number("top_p");
        Integer maxOutputTokens = r.integer("max_output_tokens");
        Map<String, String> metadata = r.stringMap("metadata");
        if (metadata != null && metadata.size() > 16) {
            throw invalid("metadata", "may hold at most 16 pairs, got " + metadata.size());
        }
        Boolean stream = r.bool("stream");
        return new ResponseCreateParams(model, readInput(r), r.string("instructions"), maxOutputTokens, temperature, topP,
                stream != null && stream, metadata, r.bool("store"), r.string("previous_response_id"), r.string("user"),
                r.longValue("seed"), GenerationFields.stop(r), TextFormatCodec.readText(r), ToolsCodec.read(r, false));
    }

    private static ResponseInput readInput(FieldReader r) {
        if (r.raw("input") instanceof JsonValue.Str(String text)) {
            return new ResponseInput.Text(text);
        }
        List<JsonValue> items = r.array("input");
        List<InputItem> input = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            FieldReader m = FieldReader.of(items.get(i), "input[" + i + "]");
            String type = m.string("type");
            if (type != null && !type.equals("message")) {
                input.add(InputItemCodec.read(m)); // function_call, function_call_output
                continue;
            }
            String role = m.requiredString("role");
            if (!InputMessage.ROLES.contains(role)) {
                throw invalid(m.at("role"), "must be one of user, assistant, system, developer; got '" + role + "'");
            }
            input.add(new InputMessage(role, GenerationFields.content(m, true, TEXT_PARTS, "unsupported content part type")));
        }
        return ResponseInput.ofItems(input);
    }

    @Override
    public void write(JsonGenerator g, ResponseCreateParams p) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", p.model());
        g.writeFieldName("input");
        switch (p.input()) {
            case ResponseInput.Text t -> g.writeString(t.text());
            case ResponseInput.Messages m -> GenerationFields.writeMessages(g, m.messages());
            case ResponseInput.Items items -> InputItemCodec.writeAll(g, items.items());
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
        GenerationFields.writeMetadata(g, p.metadata());
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
        GenerationFields.writeStop(g, p.stop());
        if (!(p.text() instanceof TextFormat.Text)) {
            TextFormatCodec.writeText(g, p.text());
        }
        ToolsCodec.writeRequest(g, p.tools(), false);
        g.writeEndObject();
    }
}
