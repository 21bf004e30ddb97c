package com.mka1.core.json;

import static com.mka1.core.json.JsonTree.asArray;
import static com.mka1.core.json.JsonTree.asObject;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.responses.IncompleteDetails;
import com.mka1.api.responses.OutputItem;
import com.mka1.api.responses.OutputMessage;
import com.mka1.api.responses.OutputText;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseError;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON codec of the response object and its parts (output items, content parts, usage), in the spec's field order. */
@Deprecated(forRemoval = true) // interim helper until every caller uses ResponseCodec
public final class ResponseJson {
    private ResponseJson() {}

    public static String toJson(Response response) {
        return JsonOutput.write(g -> write(g, response));
    }

    public static Response fromJson(String json) {
        return read(JsonTree.parseObject(json));
    }

    public static void write(JsonGenerator g, Response r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("object", "response");
        g.writeNumberField("created_at", r.createdAt());
        g.writeStringField("status", r.status().wireName());
        g.writeStringField("model", r.model());
        if (r.error() == null) {
            g.writeNullField("error");
        } else {
            g.writeObjectFieldStart("error");
            g.writeStringField("code", r.error().code());
            g.writeStringField("message", r.error().message());
            g.writeEndObject();
        }
        if (r.incompleteDetails() == null) {
            g.writeNullField("incomplete_details");
        } else {
            g.writeObjectFieldStart("incomplete_details");
            g.writeStringField("reason", r.incompleteDetails().reason());
            g.writeEndObject();
        }
        JsonOutput.stringOrNull(g, "instructions", r.instructions());
        JsonOutput.intOrNull(g, "max_output_tokens", r.maxOutputTokens());
        JsonOutput.stringMap(g, "metadata", new TreeMap<>(r.metadata()));
        g.writeBooleanField("parallel_tool_calls", true);
        g.writeNumberField("temperature", r.temperature());
        g.writeNumberField("top_p", r.topP());
        g.writeStringField("tool_choice", "auto");
        g.writeArrayFieldStart("tools");
        g.writeEndArray();
        JsonOutput.stringOrNull(g, "previous_response_id", r.previousResponseId());
        g.writeArrayFieldStart("output");
        for (OutputItem item : r.output()) {
            writeItem(g, item);
        }
        g.writeEndArray();
        if (r.usage() == null) {
            g.writeNullField("usage");
        } else {
            writeUsage(g, r.usage());
        }
        JsonOutput.stringOrNull(g, "user", r.user());
        g.writeEndObject();
    }

    public static void writeItem(JsonGenerator g, OutputItem item) throws IOException {
        switch (item) {
            case OutputMessage m -> {
                g.writeStartObject();
                g.writeStringField("type", m.type());
                g.writeStringField("id", m.id());
                g.writeStringField("status", m.status().wireName());
                g.writeStringField("role", m.role());
                g.writeArrayFieldStart("content");
                for (OutputText part : m.content()) {
                    writePart(g, part);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        }
    }

    public static void writePart(JsonGenerator g, OutputText part) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "output_text");
        g.writeStringField("text", part.text());
        g.writeArrayFieldStart("annotations");
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeUsage(JsonGenerator g, ResponseUsage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("input_tokens", u.inputTokens());
        g.writeObjectFieldStart("input_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedTokens());
        g.writeEndObject();
        g.writeNumberField("output_tokens", u.outputTokens());
        g.writeObjectFieldStart("output_tokens_details");
        g.writeNumberField("reasoning_tokens", u.reasoningTokens());
        g.writeEndObject();
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeEndObject();
    }

    public static Response read(Map<String, Object> o) {
        Map<String, Object> err = o.get("error") == null ? null : asObject("error", o.get("error"));
        Map<String, Object> inc = o.get("incomplete_details") == null ? null
                : asObject("incomplete_details", o.get("incomplete_details"));
        List<OutputItem> output = new ArrayList<>();
        if (o.get("output") != null) {
            List<Object> items = asArray("output", o.get("output"));
            for (int i = 0; i < items.size(); i++) {
                output.add(readItem("output[" + i + "]", asObject("output[" + i + "]", items.get(i))));
            }
        }
        Map<String, Object> usage = o.get("usage") == null ? null : asObject("usage", o.get("usage"));
        Double temperature = JsonTree.number(o, "temperature");
        Double topP = JsonTree.number(o, "top_p");
        Long created = JsonTree.integer(o, "created_at");
        return new Response(
                JsonTree.requiredString(o, "id"),
                created == null ? 0 : created,
                status("status", JsonTree.requiredString(o, "status")),
                JsonTree.requiredString(o, "model"),
                err == null ? null : new ResponseError(JsonTree.requiredString(err, "code"), JsonTree.requiredString(err, "message")),
                inc == null ? null : new IncompleteDetails(JsonTree.requiredString(inc, "reason")),
                JsonTree.string(o, "instructions"),
                JsonTree.int32(o, "max_output_tokens"),
                JsonTree.stringMap(o, "metadata"),
                temperature == null ? 1.0 : temperature,
                topP == null ? 1.0 : topP,
                JsonTree.string(o, "previous_response_id"),
                output,
                usage == null ? null : readUsage(usage),
                JsonTree.string(o, "user"));
    }

    public static OutputItem readItem(String field, Map<String, Object> o) {
        String type = JsonTree.requiredString(o, "type");
        if (!"message".equals(type)) {
            throw new JsonFieldException(field + ".type", "unsupported output item type '" + type + "'");
        }
        List<OutputText> parts = new ArrayList<>();
        List<Object> content = asArray(field + ".content", o.get("content"));
        for (int i = 0; i < content.size(); i++) {
            parts.add(readPart(field + ".content[" + i + "]", asObject(field + ".content[" + i + "]", content.get(i))));
        }
        return new OutputMessage(JsonTree.requiredString(o, "id"), status(field + ".status", JsonTree.requiredString(o, "status")),
                JsonTree.requiredString(o, "role"), parts);
    }

    public static OutputText readPart(String field, Map<String, Object> o) {
        String type = JsonTree.requiredString(o, "type");
        if (!"output_text".equals(type)) {
            throw new JsonFieldException(field + ".type", "unsupported content part type '" + type + "'");
        }
        return new OutputText(JsonTree.requiredString(o, "text"));
    }

    private static ResponseUsage readUsage(Map<String, Object> u) {
        Map<String, Object> in = u.get("input_tokens_details") == null ? Map.of() : asObject("usage.input_tokens_details", u.get("input_tokens_details"));
        Map<String, Object> out = u.get("output_tokens_details") == null ? Map.of() : asObject("usage.output_tokens_details", u.get("output_tokens_details"));
        return new ResponseUsage(orZero(JsonTree.int32(u, "input_tokens")), orZero(JsonTree.int32(in, "cached_tokens")),
                orZero(JsonTree.int32(u, "output_tokens")), orZero(JsonTree.int32(out, "reasoning_tokens")));
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private static ResponseStatus status(String field, String wire) {
        try {
            return ResponseStatus.fromWire(wire);
        } catch (IllegalArgumentException e) {
            throw new JsonFieldException(field, e.getMessage());
        }
    }
}
