package com.mka1.core.inference.tools;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.FunctionCall;
import com.mka1.api.responses.FunctionCallOutput;
import com.mka1.api.responses.FunctionTool;
import com.mka1.api.responses.InputItem;
import com.mka1.api.responses.InputMessage;
import com.mka1.api.responses.ToolChoice;
import com.mka1.api.responses.Tools;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.data.ToolCall;
import com.mka1.core.inference.constrained.JsonSchemaCompiler;
import com.mka1.core.inference.constrained.ToolCallGrammar;
import com.mka1.core.inference.constrained.UnsupportedSchemaException;
import com.mka1.core.json.Json;
import com.mka1.core.tokenizer.ToolCallSyntax;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A request's tools as generation needs them: the {@code tools} JSON the chat template renders
 * (Hugging Face's {@code {"type": "function", "function": {...}}} form), the grammar of calls in
 * the template's syntax (forcing them when {@code tool_choice} is {@code required} or names a
 * function, else taking over once the model begins one, so strict arguments always validate), and
 * the parser that reads calls back out of the text.
 */
public final class ToolUse {
    private final Tools tools;
    private final ToolCallSyntax syntax;

    private ToolUse(Tools tools, ToolCallSyntax syntax) {
        this.tools = tools;
        this.syntax = syntax;
    }

    /**
     * Checks {@code tools} (a named function must be among them; a strict function's parameters must compile)
     * and binds them to the template's syntax.
     *
     * @throws InvalidRequestException naming the field that cannot be honoured
     */
    public static ToolUse of(Tools tools, ToolCallSyntax syntax) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.functions().size(); i++) {
            FunctionTool f = tools.functions().get(i);
            if (!names.add(f.name())) {
                throw new InvalidRequestException("Invalid 'tools': the function name '" + f.name() + "' is given twice.",
                        "tools[" + i + "].name", "invalid_value");
            }
            if (f.strict()) {
                try {
                    JsonSchemaCompiler.compile(f.parameters());
                } catch (UnsupportedSchemaException e) {
                    throw new InvalidRequestException("Invalid schema for function '" + f.name() + "': " + e.getMessage() + ".",
                            "tools[" + i + "].parameters", "invalid_function_parameters", e);
                }
            }
        }
        if (tools.choice() instanceof ToolChoice.Function(String name) && !names.contains(name)) {
            throw new InvalidRequestException("Invalid 'tool_choice': function '" + name + "' is not among the tools.",
                    "tool_choice", "invalid_value");
        }
        if ((tools.choice() instanceof ToolChoice.Required || tools.choice() instanceof ToolChoice.Function)
                && tools.functions().isEmpty()) {
            throw new InvalidRequestException("Invalid 'tool_choice': a call is required but no tools are given.",
                    "tool_choice", "invalid_value");
        }
        return new ToolUse(tools, syntax);
    }

    /** Whether the model may call a tool in this request (there are tools and the choice is not {@code none}). */
    public boolean callable() {
        return tools.callable();
    }

    /** The template's {@code tools} variable as JSON text, or null when no tool is offered. */
    public String toolsJson() {
        if (!callable()) {
            return null;
        }
        List<JsonValue> list = new ArrayList<>();
        for (FunctionTool f : tools.functions()) {
            Map<String, JsonValue> function = new LinkedHashMap<>();
            function.put("name", new JsonValue.Str(f.name()));
            if (f.description() != null) {
                function.put("description", new JsonValue.Str(f.description()));
            }
            function.put("parameters", f.parameters());
            Map<String, JsonValue> tool = new LinkedHashMap<>();
            tool.put("type", new JsonValue.Str("function"));
            tool.put("function", new JsonValue.Obj(function));
            list.add(new JsonValue.Obj(tool));
        }
        return Json.write(Json.VALUE, new JsonValue.Arr(list));
    }

    /** The most calls one answer may hold: 1 without parallel calls, else max_tool_calls or no limit (-1). */
    public int maxCalls() {
        if (!tools.parallel()) {
            return 1;
        }
        return tools.maxToolCalls() == null ? -1 : tools.maxToolCalls();
    }

    /** The grammar that forces calls ({@code required} or a named function), or null when the model chooses. */
    public Forced forced() {
        return switch (tools.choice()) {
            case ToolChoice.Required r -> new Forced(functions(tools.functions()), syntax, 1, maxCalls());
            case ToolChoice.Function(String name) -> new Forced(functions(tools.functions().stream()
                    .filter(f -> f.name().equals(name)).toList()), syntax, 1, 1);
            case ToolChoice.Auto a -> null;
            case ToolChoice.None n -> null;
        };
    }

    /** The grammar of the calls the model may choose to write ({@code auto}): one or more of any function. */
    public Forced optional() {
        return new Forced(functions(tools.functions()), syntax, 1, maxCalls());
    }

    /** The text a turn of calls begins with in the template's syntax (its first non-blank characters). */
    public String trigger() {
        String start = (syntax.before() + syntax.open()).strip();
        return start.isEmpty() ? "{" : start;
    }

    /** The parser of this request's calls. */
    public ToolCallParser parser() {
        return new ToolCallParser(syntax, tools.functions().stream().map(FunctionTool::name).collect(Collectors.toSet()));
    }

    private static List<ToolCallGrammar.Function> functions(List<FunctionTool> tools) {
        return tools.stream().map(f -> new ToolCallGrammar.Function(f.name(), f.parameters(), f.strict())).toList();
    }

    /** The forced-call grammar's inputs; {@link #key()} identifies it for caching. */
    public record Forced(List<ToolCallGrammar.Function> functions, ToolCallSyntax syntax, int minCalls, int maxCalls) {
        public String key() {
            StringBuilder sb = new StringBuilder("tools:").append(syntax.name()).append(':').append(minCalls).append(':')
                    .append(maxCalls);
            for (ToolCallGrammar.Function f : functions) {
                sb.append('\n').append(f.name()).append(f.strict() ? "!" : "?").append(Json.write(Json.VALUE, f.parameters()));
            }
            return sb.toString();
        }
    }

    /**
     * A conversation as chat messages: function calls join the assistant turn before them (or start one),
     * function call outputs become tool messages.
     *
     * @throws InvalidRequestException when an output answers no call made before it
     */
    public static List<ChatMessage> messages(List<InputItem> items) {
        List<ChatMessage> out = new ArrayList<>();
        Set<String> calls = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            switch (items.get(i)) {
                case InputMessage m -> out.add(ChatMessage.of(m.role().equals("developer") ? "system" : m.role(), m.content()));
                case FunctionCall c -> {
                    calls.add(c.callId());
                    ToolCall call = new ToolCall(c.callId(), c.name(), c.arguments());
                    ChatMessage last = out.isEmpty() ? null : out.getLast();
                    if (last != null && last.role().equals("assistant")) {
                        List<ToolCall> joined = new ArrayList<>(last.toolCalls());
                        joined.add(call);
                        out.set(out.size() - 1, new ChatMessage("assistant", last.content(), joined, null, last.trainable()));
                    } else {
                        out.add(new ChatMessage("assistant", "", List.of(call), null, true));
                    }
                }
                case FunctionCallOutput o -> {
                    if (!calls.contains(o.callId())) {
                        throw new InvalidRequestException("No tool call found for function call output with call_id '"
                                + o.callId() + "'.", "input", "invalid_value");
                    }
                    out.add(new ChatMessage("tool", o.output(), List.of(), o.callId(), false));
                }
            }
        }
        return out;
    }
}
