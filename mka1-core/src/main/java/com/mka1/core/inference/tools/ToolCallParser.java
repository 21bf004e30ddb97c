package com.mka1.core.inference.tools;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.json.MalformedJsonException;
import com.mka1.core.tokenizer.ToolCallSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an assistant's tool calls out of generated text in its chat template's {@link ToolCallSyntax}.
 * A turn is taken as calls only when it parses whole: every call well formed, naming a known
 * function, with a JSON object of arguments, and nothing but whitespace after the last call. Text
 * that only looks like a call (a broken JSON body, an unknown name, trailing prose) stays text, so a
 * caller never receives a broken call. Markers match with whitespace around them tolerated.
 */
public final class ToolCallParser {
    private final ToolCallSyntax syntax;
    private final Set<String> functionNames;

    public ToolCallParser(ToolCallSyntax syntax, Set<String> functionNames) {
        this.syntax = syntax;
        this.functionNames = Set.copyOf(functionNames);
    }

    /** The calls in {@code text}, or empty when it holds none (or only something that does not parse as calls). */
    public Optional<ParsedTurn> parse(String text) {
        String start = (syntax.before() + syntax.open()).strip();
        int at;
        if (start.isEmpty()) { // bare JSON calls (Llama 3.1): the whole turn is calls
            at = skipSpace(text, 0);
            if (at >= text.length() || text.charAt(at) != '{') {
                return Optional.empty();
            }
        } else {
            at = text.indexOf(start);
            if (at < 0) {
                return Optional.empty();
            }
        }
        String content = text.substring(0, at).strip();
        Cursor c = new Cursor(text, at);
        List<ParsedTurn.Call> calls = new ArrayList<>();
        if (!c.expect(syntax.before())) {
            return Optional.empty();
        }
        while (true) {
            ParsedTurn.Call call = call(c);
            if (call == null) {
                return Optional.empty();
            }
            calls.add(call);
            int mark = c.pos;
            if (c.expect(syntax.separator()) && c.peek(syntax.open())) {
                continue;
            }
            c.pos = mark;
            if (!c.expect(syntax.after())) {
                return Optional.empty();
            }
            break;
        }
        return c.atEndIgnoringSpace() ? Optional.of(new ParsedTurn(content, calls)) : Optional.empty();
    }

    private ParsedTurn.Call call(Cursor c) {
        if (!c.expect(syntax.open())) {
            return null;
        }
        String name;
        JsonValue arguments;
        if (syntax.nameEnd() != null) {
            int end = c.text.indexOf(syntax.nameEnd().isBlank() ? "\n" : syntax.nameEnd(), c.pos);
            if (end < 0) {
                return null;
            }
            name = c.text.substring(c.pos, end).strip();
            c.pos = end + Math.max(1, syntax.nameEnd().length());
            arguments = c.jsonValue();
        } else {
            if (!(c.jsonValue() instanceof JsonValue.Obj(Map<String, JsonValue> fields))
                    || !(fields.get("name") instanceof JsonValue.Str(String n))) {
                return null;
            }
            name = n;
            arguments = fields.get(syntax.argumentsKey());
            if (arguments == null) { // a model may say "arguments" where its template says "parameters", and back
                arguments = fields.get(syntax.argumentsKey().equals("arguments") ? "parameters" : "arguments");
            }
        }
        if (arguments instanceof JsonValue.Str(String inner)) { // arguments given as a JSON string
            arguments = parseOrNull(inner);
        }
        if (!(arguments instanceof JsonValue.Obj) || !functionNames.contains(name) || !c.expect(syntax.close())) {
            return null;
        }
        return new ParsedTurn.Call(name, Json.write(Json.VALUE, arguments));
    }

    private static JsonValue parseOrNull(String text) {
        try {
            return Json.parse(text);
        } catch (MalformedJsonException | IllegalArgumentException e) {
            return null;
        }
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A position in the text with whitespace-tolerant marker matching and JSON value scanning. */
    private static final class Cursor {
        final String text;
        int pos;

        Cursor(String text, int pos) {
            this.text = text;
            this.pos = pos;
        }

        /** Consumes {@code marker} (its surrounding whitespace optional); false, consuming nothing, when absent. */
        boolean expect(String marker) {
            String core = marker.strip();
            int i = skipSpace(text, pos);
            if (!text.startsWith(core, i)) {
                return false;
            }
            pos = core.isEmpty() ? pos : i + core.length();
            return true;
        }

        boolean peek(String marker) {
            String core = marker.strip();
            int i = skipSpace(text, pos);
            return core.isEmpty() ? i < text.length() && text.charAt(i) == '{' : text.startsWith(core, i);
        }

        boolean atEndIgnoringSpace() {
            return skipSpace(text, pos) == text.length();
        }

        /** The JSON object or array starting here (after whitespace), or null when there is none that parses. */
        JsonValue jsonValue() {
            int i = skipSpace(text, pos);
            if (i >= text.length() || (text.charAt(i) != '{' && text.charAt(i) != '[')) {
                return null;
            }
            int depth = 0;
            boolean inString = false;
            for (int j = i; j < text.length(); j++) {
                char ch = text.charAt(j);
                if (inString) {
                    if (ch == '\\') {
                        j++;
                    } else if (ch == '"') {
                        inString = false;
                    }
                } else if (ch == '"') {
                    inString = true;
                } else if (ch == '{' || ch == '[') {
                    depth++;
                } else if ((ch == '}' || ch == ']') && --depth == 0) {
                    JsonValue value = parseOrNull(text.substring(i, j + 1));
                    if (value != null) {
                        pos = j + 1;
                    }
                    return value;
                }
            }
            return null;
        }
    }
}
