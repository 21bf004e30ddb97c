package com.mka1.core.data;

import com.mka1.api.JsonValue;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns one parsed JSONL line into a {@link ChatExample} or {@link PreferenceExample},
 * enforcing the format rules of the API spec. Problems name the message and field at fault.
 */
public final class ExampleParser {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final List<String> DPO_KEYS = List.of("input", "preferred_output", "non_preferred_output");

    private ExampleParser() {}

    /** A supervised chat example: {@code {"messages": [...], "tools"?, "parallel_tool_calls"?}}. */
    public static ChatExample chat(JsonValue json, int line) throws InvalidExampleException {
        JsonValue.Obj obj = object(json, line);
        for (String key : DPO_KEYS) {
            if (obj.get(key) != null) {
                throw problem(line, "'" + key + "' is a DPO field, but the job's method is supervised (expected 'messages')");
            }
        }
        List<ChatMessage> messages = messages(obj.get("messages"), line, "messages", true);
        if (messages.stream().noneMatch(m -> m.role().equals("assistant"))) {
            throw problem(line, "no assistant message (at least one is required to train on)");
        }
        checkParallelToolCalls(obj, line);
        return new ChatExample(messages, tools(obj.get("tools"), line, "tools"), line);
    }

    /**
     * A DPO example: {@code {"input": {"messages", "tools"?}, "preferred_output": [...],
     * "non_preferred_output": [...]}}; outputs are non-empty lists of assistant messages.
     */
    public static PreferenceExample preference(JsonValue json, int line) throws InvalidExampleException {
        JsonValue.Obj obj = object(json, line);
        JsonValue input = obj.get("input");
        if (input == null || input == JsonValue.Null.INSTANCE) {
            throw problem(line, obj.get("messages") != null
                    ? "'messages' is the supervised format, but the job's method is dpo (expected 'input', 'preferred_output' and 'non_preferred_output')"
                    : "missing 'input'");
        }
        if (!(input instanceof JsonValue.Obj in)) throw problem(line, "'input' must be an object, but got " + FieldReader.describe(input));
        List<ChatMessage> prompt = messages(in.get("messages"), line, "input.messages", false);
        List<ChatMessage> preferred = outputs(obj.get("preferred_output"), line, "preferred_output");
        List<ChatMessage> nonPreferred = outputs(obj.get("non_preferred_output"), line, "non_preferred_output");
        return new PreferenceExample(prompt, tools(in.get("tools"), line, "input.tools"), preferred, nonPreferred, line);
    }

    private static JsonValue.Obj object(JsonValue json, int line) throws InvalidExampleException {
        if (json instanceof JsonValue.Obj o) return o;
        throw problem(line, "each line must be a JSON object, but got " + FieldReader.describe(json));
    }

    private static List<ChatMessage> outputs(JsonValue v, int line, String field) throws InvalidExampleException {
        List<ChatMessage> out = messages(v, line, field, false);
        for (int i = 0; i < out.size(); i++) {
            if (!out.get(i).role().equals("assistant")) {
                throw problem(line, field + "[" + i + "]: role must be 'assistant', got '" + out.get(i).role() + "'");
            }
        }
        return out;
    }

    private static List<ChatMessage> messages(JsonValue v, int line, String field, boolean weights)
            throws InvalidExampleException {
        if (v == null || v == JsonValue.Null.INSTANCE) throw problem(line, "missing '" + field + "'");
        if (!(v instanceof JsonValue.Arr(List<JsonValue> items))) {
            throw problem(line, "'" + field + "' must be an array, but got " + FieldReader.describe(v));
        }
        if (items.isEmpty()) throw problem(line, "'" + field + "' must not be empty");
        List<ChatMessage> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) out.add(message(items.get(i), line, field + "[" + i + "]", weights));
        return out;
    }

    private static ChatMessage message(JsonValue v, int line, String at, boolean weights) throws InvalidExampleException {
        if (!(v instanceof JsonValue.Obj m)) throw problem(line, at + ": a message must be an object, but got " + FieldReader.describe(v));
        if (!(m.get("role") instanceof JsonValue.Str(String role))) throw problem(line, at + ": missing or non-string 'role'");
        if (!ROLES.contains(role)) {
            throw problem(line, at + ": unknown role '" + role + "' (expected system, developer, user, assistant or tool)");
        }
        if (m.get("function_call") != null) {
            throw problem(line, at + ": 'function_call' is not supported; use 'tool_calls'");
        }
        List<ToolCall> toolCalls = toolCalls(m.get("tool_calls"), line, at, role);
        String content = content(m.get("content"), line, at, role, !toolCalls.isEmpty());
        String toolCallId = null;
        if (role.equals("tool")) {
            if (!(m.get("tool_call_id") instanceof JsonValue.Str(String id)) || id.isEmpty()) {
                throw problem(line, at + ": a tool message needs a string 'tool_call_id'");
            }
            toolCallId = id;
        }
        boolean trainable = role.equals("assistant");
        JsonValue weight = m.get("weight");
        if (weight != null && weight != JsonValue.Null.INSTANCE) {
            if (!role.equals("assistant") || !weights) throw problem(line, at + ": 'weight' is only allowed on assistant messages");
            if (!(weight instanceof JsonValue.Num(var w)) || !(w.signum() == 0 || w.compareTo(java.math.BigDecimal.ONE) == 0)) {
                throw problem(line, at + ": 'weight' must be 0 or 1");
            }
            trainable = w.signum() != 0;
        }
        return new ChatMessage(role, content, toolCalls, toolCallId, trainable);
    }

    private static String content(JsonValue v, int line, String at, String role, boolean hasToolCalls)
            throws InvalidExampleException {
        if (v == null || v == JsonValue.Null.INSTANCE) {
            if (role.equals("assistant") && hasToolCalls) return "";
            throw problem(line, at + ": missing 'content'");
        }
        if (v instanceof JsonValue.Str(String s)) return s;
        if (v instanceof JsonValue.Arr(List<JsonValue> parts)) {
            StringBuilder text = new StringBuilder();
            for (int p = 0; p < parts.size(); p++) {
                if (!(parts.get(p) instanceof JsonValue.Obj part)
                        || !(part.get("type") instanceof JsonValue.Str(String type))) {
                    throw problem(line, at + ".content[" + p + "]: a content part must be an object with a 'type'");
                }
                if (!type.equals("text")) {
                    throw problem(line, at + ".content[" + p + "]: part type '" + type + "' is not supported (only 'text')");
                }
                if (!(part.get("text") instanceof JsonValue.Str(String t))) {
                    throw problem(line, at + ".content[" + p + "]: a text part needs a string 'text'");
                }
                text.append(t);
            }
            return text.toString();
        }
        throw problem(line, at + ": 'content' must be a string or a list of text parts, but got " + FieldReader.describe(v));
    }

    private static List<ToolCall> toolCalls(JsonValue v, int line, String at, String role) throws InvalidExampleException {
        if (v == null || v == JsonValue.Null.INSTANCE) return List.of();
        if (!role.equals("assistant")) throw problem(line, at + ": 'tool_calls' is only allowed on assistant messages");
        if (!(v instanceof JsonValue.Arr(List<JsonValue> calls))) throw problem(line, at + ": 'tool_calls' must be an array");
        List<ToolCall> out = new ArrayList<>();
        for (int c = 0; c < calls.size(); c++) {
            String where = at + ".tool_calls[" + c + "]";
            if (!(calls.get(c) instanceof JsonValue.Obj call)) throw problem(line, where + ": must be an object");
            if (!(call.get("id") instanceof JsonValue.Str(String id))) throw problem(line, where + ": missing string 'id'");
            if (call.get("type") instanceof JsonValue.Str(String type) && !type.equals("function")) {
                throw problem(line, where + ": type must be 'function', got '" + type + "'");
            }
            if (!(call.get("function") instanceof JsonValue.Obj fn)) throw problem(line, where + ": missing object 'function'");
            if (!(fn.get("name") instanceof JsonValue.Str(String name)) || name.isEmpty()) {
                throw problem(line, where + ".function: missing string 'name'");
            }
            if (!(fn.get("arguments") instanceof JsonValue.Str(String arguments))) {
                throw problem(line, where + ".function: 'arguments' must be a string of JSON");
            }
            out.add(new ToolCall(id, name, arguments));
        }
        return out;
    }

    private static String tools(JsonValue v, int line, String field) throws InvalidExampleException {
        if (v == null || v == JsonValue.Null.INSTANCE) return null;
        if (!(v instanceof JsonValue.Arr(List<JsonValue> tools))) throw problem(line, "'" + field + "' must be an array");
        for (int t = 0; t < tools.size(); t++) {
            String where = field + "[" + t + "]";
            if (!(tools.get(t) instanceof JsonValue.Obj tool)) throw problem(line, where + ": must be an object");
            if (!(tool.get("type") instanceof JsonValue.Str(String type)) || !type.equals("function")) {
                throw problem(line, where + ": type must be 'function'");
            }
            if (!(tool.get("function") instanceof JsonValue.Obj fn) || !(fn.get("name") instanceof JsonValue.Str)) {
                throw problem(line, where + ": needs a 'function' object with a string 'name'");
            }
        }
        return Json.write(Json.VALUE, v);
    }

    private static void checkParallelToolCalls(JsonValue.Obj obj, int line) throws InvalidExampleException {
        JsonValue p = obj.get("parallel_tool_calls");
        if (p != null && p != JsonValue.Null.INSTANCE && !(p instanceof JsonValue.Bool)) {
            throw problem(line, "'parallel_tool_calls' must be a boolean");
        }
    }

    private static InvalidExampleException problem(int line, String message) {
        return new InvalidExampleException(new DataProblem(line, message));
    }
}
