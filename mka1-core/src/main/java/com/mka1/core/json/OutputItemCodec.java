package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.FunctionCall;
import com.mka1.api.responses.OutputItem;
import com.mka1.api.responses.OutputMessage;
import com.mka1.api.responses.OutputText;
import com.mka1.api.responses.ResponseStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A response output item: {@code {"type": "message", "id", "status", "role", "content": [...]}} or
 * {@code {"type": "function_call", "id", "call_id", "name", "arguments", "status"}}.
 */
public final class OutputItemCodec implements JsonCodec<OutputItem> {
    public static final OutputItemCodec INSTANCE = new OutputItemCodec();

    private OutputItemCodec() {}

    @Override
    public void write(JsonGenerator g, OutputItem item) throws IOException {
        switch (item) {
            case OutputMessage m -> {
                g.writeStartObject();
                g.writeStringField("type", m.type());
                g.writeStringField("id", m.id());
                g.writeStringField("status", m.status().wireName());
                g.writeStringField("role", m.role());
                g.writeArrayFieldStart("content");
                for (OutputText part : m.content()) {
                    OutputTextCodec.INSTANCE.write(g, part);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            case FunctionCall c -> {
                g.writeStartObject();
                g.writeStringField("type", c.type());
                g.writeStringField("id", c.id());
                g.writeStringField("call_id", c.callId());
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.arguments());
                g.writeStringField("status", c.status().wireName());
                g.writeEndObject();
            }
        }
    }

    @Override
    public OutputItem read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "item");
        String type = r.requiredString("type");
        if (type.equals("function_call")) {
            return new FunctionCall(r.requiredString("id"), r.requiredString("call_id"), r.requiredString("name"),
                    r.requiredString("arguments"), ResponseCodec.status(r, "status"));
        }
        if (!type.equals("message")) {
            throw new InvalidRequestException("Unsupported output item type '" + type + "'.", r.at("type"), "invalid_value");
        }
        List<OutputText> parts = new ArrayList<>();
        List<JsonValue> content = r.array("content");
        for (JsonValue part : content == null ? List.<JsonValue>of() : content) {
            parts.add(OutputTextCodec.INSTANCE.read(part));
        }
        return new OutputMessage(r.requiredString("id"), ResponseCodec.status(r, "status"), r.requiredString("role"), parts);
    }
}
