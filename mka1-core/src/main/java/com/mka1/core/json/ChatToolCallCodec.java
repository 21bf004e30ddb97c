package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.chat.ChatToolCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An assistant message's {@code tool_calls}: {@code {"id", "type": "function", "function": {"name", "arguments"}}},
 * with {@code "index"} first in a streamed delta.
 */
final class ChatToolCallCodec {
    private ChatToolCallCodec() {}

    static void write(JsonGenerator g, List<ChatToolCall> calls, boolean withIndex) throws IOException {
        g.writeArrayFieldStart("tool_calls");
        for (ChatToolCall call : calls) {
            g.writeStartObject();
            if (withIndex) {
                g.writeNumberField("index", call.index());
            }
            g.writeStringField("id", call.id());
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", call.name());
            g.writeStringField("arguments", call.arguments());
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The {@code tool_calls} of a message or delta, empty when absent. */
    static List<ChatToolCall> read(FieldReader message) {
        List<ChatToolCall> calls = new ArrayList<>();
        List<com.mka1.api.JsonValue> items = message.array("tool_calls");
        for (int i = 0; i < (items == null ? 0 : items.size()); i++) {
            FieldReader c = FieldReader.of(items.get(i), message.at("tool_calls") + "[" + i + "]");
            String type = c.string("type");
            if (type != null && !type.equals("function")) {
                throw GenerationFields.invalid(c.at("type"), "only function tool calls are supported, got '" + type + "'");
            }
            FieldReader f = c.child("function");
            if (f == null) {
                throw FieldReader.missing(c.at("function"));
            }
            Integer index = c.integer("index");
            calls.add(new ChatToolCall(index == null ? i : index, c.requiredString("id"), f.requiredString("name"),
                    f.requiredString("arguments")));
        }
        return calls;
    }
}
