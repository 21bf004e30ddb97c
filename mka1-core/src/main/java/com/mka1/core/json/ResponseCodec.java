package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.IncompleteDetails;
import com.mka1.api.responses.OutputItem;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseError;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.api.responses.ResponseUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The response object, in the spec's field order, echoing the request's {@code tools},
 * {@code tool_choice} and {@code parallel_tool_calls}; metadata keys are sorted.
 * {@code usage} and {@code user} are left out, not null, when there is none (the schema types
 * them as an object and a string).
 */
public final class ResponseCodec implements JsonCodec<Response> {
    public static final ResponseCodec INSTANCE = new ResponseCodec();

    private ResponseCodec() {}

    @Override
    public void write(JsonGenerator g, Response r) throws IOException {
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
        ApiWriter.string(g, "instructions", r.instructions());
        ApiWriter.number(g, "max_output_tokens", r.maxOutputTokens() == null ? null : r.maxOutputTokens().longValue());
        g.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> e : new TreeMap<>(r.metadata()).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeBooleanField("parallel_tool_calls", r.tools().parallel());
        g.writeNumberField("temperature", r.temperature());
        g.writeNumberField("top_p", r.topP());
        TextFormatCodec.writeText(g, r.text());
        ToolsCodec.writeChoice(g, "tool_choice", r.tools().choice(), false);
        ToolsCodec.writeTools(g, r.tools().functions(), false);
        ApiWriter.string(g, "previous_response_id", r.previousResponseId());
        g.writeArrayFieldStart("output");
        for (OutputItem item : r.output()) {
            OutputItemCodec.INSTANCE.write(g, item);
        }
        g.writeEndArray();
        if (r.usage() != null) { // the schema's usage is an object or absent, never null
            writeUsage(g, r.usage());
        }
        ApiWriter.optionalString(g, "user", r.user());
        g.writeEndObject();
    }

    private static void writeUsage(JsonGenerator g, ResponseUsage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("input_tokens", u.inputTokens());
        g.writeObjectFieldStart("input_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedTokens());
        g.writeNumberField("cache_write_tokens", 0); // no prompt cache: nothing is ever written to one
        g.writeEndObject();
        g.writeNumberField("output_tokens", u.outputTokens());
        g.writeObjectFieldStart("output_tokens_details");
        g.writeNumberField("reasoning_tokens", u.reasoningTokens());
        g.writeEndObject();
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeEndObject();
    }

    @Override
    public Response read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        FieldReader error = r.child("error");
        FieldReader incomplete = r.child("incomplete_details");
        FieldReader usage = r.child("usage");
        List<OutputItem> output = new ArrayList<>();
        List<JsonValue> items = r.array("output");
        for (JsonValue item : items == null ? List.<JsonValue>of() : items) {
            output.add(OutputItemCodec.INSTANCE.read(item));
        }
        Long created = r.longValue("created_at");
        Double temperature = r.number("temperature");
        Double topP = r.number("top_p");
        return new Response(r.requiredString("id"), created == null ? 0 : created, status(r, "status"), r.requiredString("model"),
                error == null ? null : new ResponseError(error.requiredString("code"), error.requiredString("message")),
                incomplete == null ? null : new IncompleteDetails(incomplete.requiredString("reason")),
                r.string("instructions"), r.integer("max_output_tokens"), r.stringMap("metadata"),
                temperature == null ? 1.0 : temperature, topP == null ? 1.0 : topP, r.string("previous_response_id"),
                output, usage == null ? null : readUsage(usage), r.string("user"), TextFormatCodec.readText(r),
                ToolsCodec.readEcho(r));
    }

    private static ResponseUsage readUsage(FieldReader u) {
        FieldReader in = u.child("input_tokens_details");
        FieldReader out = u.child("output_tokens_details");
        return new ResponseUsage(orZero(u.integer("input_tokens")), in == null ? 0 : orZero(in.integer("cached_tokens")),
                orZero(u.integer("output_tokens")), out == null ? 0 : orZero(out.integer("reasoning_tokens")));
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    static ResponseStatus status(FieldReader r, String name) {
        String wire = r.requiredString(name);
        try {
            return ResponseStatus.fromWire(wire);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Invalid '" + r.at(name) + "': unknown status '" + wire + "'.", r.at(name), "invalid_value");
        }
    }
}
