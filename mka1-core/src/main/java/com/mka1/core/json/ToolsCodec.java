package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.FunctionTool;
import com.mka1.api.responses.ToolChoice;
import com.mka1.api.responses.Tools;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code tools}, {@code tool_choice}, {@code parallel_tool_calls} and {@code max_tool_calls} in their two wire
 * forms: Responses ({@code {"type": "function", "name", ...}}, choice {@code {"type": "function", "name"}}) and
 * Chat Completions ({@code {"type": "function", "function": {"name", ...}}}, choice
 * {@code {"type": "function", "function": {"name"}}}). Only function tools are served; another tool type is a 400.
 * {@code strict} defaults to true in Responses and false in Chat Completions, as in OpenAI's API.
 */
final class ToolsCodec {
    private static final JsonValue EMPTY_PARAMETERS = new JsonValue.Obj(Map.of("type", new JsonValue.Str("object"),
            "properties", new JsonValue.Obj(Map.of())));

    private ToolsCodec() {}

    /** The tool settings of a request body; {@code chat} picks the Chat Completions form. */
    static Tools read(FieldReader r, boolean chat) {
        List<JsonValue> list = r.array("tools");
        List<FunctionTool> functions = new ArrayList<>();
        for (int i = 0; i < (list == null ? 0 : list.size()); i++) {
            FieldReader t = FieldReader.of(list.get(i), "tools[" + i + "]");
            String type = t.requiredString("type");
            if (!type.equals("function")) {
                throw new com.mka1.api.InvalidRequestException("Unsupported parameter: tool type '" + type
                        + "' is not supported by this server (only function tools).", t.at("type"), "unsupported_parameter");
            }
            FieldReader f = chat ? t.child("function") : t;
            if (f == null) {
                throw FieldReader.missing(t.at("function"));
            }
            JsonValue parameters = f.raw("parameters");
            if (parameters != null && !(parameters instanceof JsonValue.Obj)) {
                throw FieldReader.typeError(f.at("parameters"), "an object", parameters);
            }
            Boolean strict = f.bool("strict");
            functions.add(new FunctionTool(f.requiredString("name"), f.string("description"),
                    parameters == null ? EMPTY_PARAMETERS : parameters, strict == null ? !chat : strict));
        }
        Boolean parallel = r.bool("parallel_tool_calls");
        Integer max = r.integer("max_tool_calls");
        if (max != null && max < 1) {
            throw GenerationFields.invalid("max_tool_calls", "must be at least 1, got " + max);
        }
        return new Tools(functions, choice(r, chat), parallel == null || parallel, max);
    }

    private static ToolChoice choice(FieldReader r, boolean chat) {
        JsonValue raw = r.raw("tool_choice");
        if (raw == null || raw instanceof JsonValue.Null) {
            return ToolChoice.AUTO;
        }
        if (raw instanceof JsonValue.Str(String s)) {
            return switch (s) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw GenerationFields.invalid("tool_choice", "expected auto, none, required or a function, got '"
                        + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'");
            };
        }
        FieldReader c = r.child("tool_choice");
        if (c == null) {
            throw FieldReader.typeError("tool_choice", "a string or an object", raw);
        }
        String type = c.requiredString("type");
        if (!type.equals("function")) {
            throw new com.mka1.api.InvalidRequestException("Unsupported parameter: tool_choice type '" + type
                    + "' is not supported by this server (only function tools).", c.at("type"), "unsupported_parameter");
        }
        FieldReader named = chat ? c.child("function") : c;
        if (named == null) {
            throw FieldReader.missing(c.at("function"));
        }
        return new ToolChoice.Function(named.requiredString("name"));
    }

    /** The response's echo: {@code parallel_tool_calls} is written by the caller at its place; this writes the rest. */
    static void writeChoice(JsonGenerator g, String field, ToolChoice choice, boolean chat) throws IOException {
        switch (choice) {
            case ToolChoice.Auto a -> g.writeStringField(field, "auto");
            case ToolChoice.None n -> g.writeStringField(field, "none");
            case ToolChoice.Required q -> g.writeStringField(field, "required");
            case ToolChoice.Function(String name) -> {
                g.writeObjectFieldStart(field);
                g.writeStringField("type", "function");
                if (chat) {
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", name);
                    g.writeEndObject();
                } else {
                    g.writeStringField("name", name);
                }
                g.writeEndObject();
            }
        }
    }

    /** {@code "tools": [...]} in the Responses or the Chat Completions form. */
    static void writeTools(JsonGenerator g, List<FunctionTool> functions, boolean chat) throws IOException {
        g.writeArrayFieldStart("tools");
        for (FunctionTool f : functions) {
            g.writeStartObject();
            g.writeStringField("type", "function");
            if (chat) {
                g.writeObjectFieldStart("function");
            }
            g.writeStringField("name", f.name());
            if (f.description() != null) {
                g.writeStringField("description", f.description());
            } else if (!chat) {
                g.writeNullField("description"); // the Responses schema types it nullable and required
            }
            g.writeFieldName("parameters");
            Json.writeValue(g, f.parameters());
            g.writeBooleanField("strict", f.strict());
            if (chat) {
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** A request body's tool fields, written only when they differ from the defaults. */
    static void writeRequest(JsonGenerator g, Tools tools, boolean chat) throws IOException {
        if (tools.functions().isEmpty() && tools.equals(Tools.NONE)) {
            return;
        }
        writeTools(g, tools.functions(), chat);
        if (!(tools.choice() instanceof ToolChoice.Auto)) {
            writeChoice(g, "tool_choice", tools.choice(), chat);
        }
        if (!tools.parallel()) {
            g.writeBooleanField("parallel_tool_calls", false);
        }
        if (tools.maxToolCalls() != null && !chat) {
            g.writeNumberField("max_tool_calls", tools.maxToolCalls());
        }
    }

    /** Reads a {@code tools} echo (a response read back). */
    static Tools readEcho(FieldReader r) {
        return read(r, false);
    }
}
