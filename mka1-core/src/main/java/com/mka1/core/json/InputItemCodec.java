package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.FunctionCall;
import com.mka1.api.responses.FunctionCallOutput;
import com.mka1.api.responses.InputItem;
import com.mka1.api.responses.InputMessage;
import java.io.IOException;
import java.util.List;

/**
 * A conversation item: a message {@code {"role", "content"}} (text content), a
 * {@code {"type": "function_call", "id"?, "call_id", "name", "arguments", "status"?}} or a
 * {@code {"type": "function_call_output", "call_id", "output"}}.
 */
public final class InputItemCodec implements JsonCodec<InputItem> {
    public static final InputItemCodec INSTANCE = new InputItemCodec();

    private InputItemCodec() {}

    @Override
    public void write(JsonGenerator g, InputItem item) throws IOException {
        g.writeStartObject();
        switch (item) {
            case InputMessage m -> {
                g.writeStringField("role", m.role());
                g.writeStringField("content", m.content());
            }
            case FunctionCall c -> {
                g.writeStringField("type", "function_call");
                ApiWriter.optionalString(g, "id", c.id());
                g.writeStringField("call_id", c.callId());
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.arguments());
                if (c.status() != null) {
                    g.writeStringField("status", c.status().wireName());
                }
            }
            case FunctionCallOutput o -> {
                g.writeStringField("type", "function_call_output");
                g.writeStringField("call_id", o.callId());
                g.writeStringField("output", o.output());
            }
        }
        g.writeEndObject();
    }

    public static void writeAll(JsonGenerator g, List<InputItem> items) throws IOException {
        g.writeStartArray();
        for (InputItem item : items) {
            INSTANCE.write(g, item);
        }
        g.writeEndArray();
    }

    @Override
    public InputItem read(JsonValue json) {
        return read(FieldReader.of(json, "item"));
    }

    /** Reads an item; a message's content must be a string here (requests read richer content themselves). */
    static InputItem read(FieldReader r) {
        String type = r.string("type");
        if (type == null || type.equals("message")) {
            return new InputMessage(r.requiredString("role"), r.requiredString("content"));
        }
        return switch (type) {
            case "function_call" -> new FunctionCall(r.string("id"), r.requiredString("call_id"), r.requiredString("name"),
                    r.requiredString("arguments"), r.has("status") ? ResponseCodec.status(r, "status") : null);
            case "function_call_output" -> new FunctionCallOutput(r.requiredString("call_id"), r.requiredString("output"));
            default -> throw GenerationFields.invalid(r.at("type"), "unsupported input item type '" + type + "'");
        };
    }
}
