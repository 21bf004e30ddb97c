package com.mka1.core.tokenizer;

import com.mka1.core.data.ChatMessage;
import com.mka1.core.data.ToolCall;
import com.mka1.core.jinja.PyJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conversation as a model's Jinja chat template receives it, in transformers' form: messages
 * {@code {"role", "content"}}; assistant tool calls {@code {"id", "type": "function", "function":
 * {"name", "arguments"}}} with the arguments as a JSON object (the Hugging Face convention, which
 * vLLM also converts to), content None when a turn only calls tools; tool results {@code {"role":
 * "tool", "tool_call_id", "content"}}; and the {@code tools} list parsed from its JSON text.
 */
public final class ChatTemplateInput {
    private ChatTemplateInput() {}

    /** The {@code messages} variable; {@code developer} becomes {@code system}, the role templates know. */
    public static List<Object> messages(List<ChatMessage> messages) {
        List<Object> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            out.add(message(m));
        }
        return Collections.unmodifiableList(out);
    }

    /** The {@code tools} variable: the parsed list, or null (None) when there are none. */
    public static Object tools(String toolsJson) {
        return toolsJson == null || toolsJson.isBlank() ? null : PyJson.parse(toolsJson);
    }

    static Map<Object, Object> message(ChatMessage m) {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("role", "developer".equals(m.role()) ? "system" : m.role());
        boolean onlyCalls = !m.toolCalls().isEmpty() && m.content().isEmpty();
        map.put("content", onlyCalls ? null : m.content());
        if (!m.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCall call : m.toolCalls()) {
                calls.add(toolCall(call));
            }
            map.put("tool_calls", Collections.unmodifiableList(calls));
        }
        if (m.toolCallId() != null) {
            map.put("tool_call_id", m.toolCallId());
        }
        return Collections.unmodifiableMap(map);
    }

    private static Map<Object, Object> toolCall(ToolCall call) {
        Map<Object, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        function.put("arguments", arguments(call.arguments()));
        Map<Object, Object> map = new LinkedHashMap<>();
        if (call.id() != null) {
            map.put("id", call.id());
        }
        map.put("type", "function");
        map.put("function", Collections.unmodifiableMap(function));
        return Collections.unmodifiableMap(map);
    }

    /** A JSON object's text becomes the object; anything else stays the string it was. */
    private static Object arguments(String json) {
        try {
            Object parsed = PyJson.parse(json);
            return parsed instanceof Map ? parsed : json;
        } catch (IllegalArgumentException e) {
            return json;
        }
    }
}
