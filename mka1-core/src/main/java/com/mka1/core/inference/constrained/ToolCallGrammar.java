package com.mka1.core.inference.constrained;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.tokenizer.ToolCallSyntax;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Grammars for function calls, for a tool-call parser to constrain the arguments a model writes:
 * a call is {@code {"name": <one of the functions>, "arguments": <that function's parameters>}}
 * (the arguments follow the schema of the name chosen), wrapped in whatever text the chat template
 * puts around a call ({@code <tool_call>\n ... \n</tool_call>}, {@code [TOOL_CALLS]}, ...).
 *
 * <p>A {@code strict} function's parameters must compile (an {@link UnsupportedSchemaException}
 * says why not); a non-strict one's are enforced when they compile and are otherwise any JSON
 * object, so its arguments always parse.
 */
public final class ToolCallGrammar {
    private ToolCallGrammar() {}

    /** A function a call may name. */
    public record Function(String name, JsonValue parameters, boolean strict) {
        public Function {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(parameters, "parameters");
        }
    }

    /**
     * Adds the rules of one call object to {@code rules} (which already hold {@link JsonGrammar#addRules})
     * and returns its expression.
     */
    public static Expr callInto(Map<String, Expr> rules, List<Function> functions) {
        return callInto(rules, functions, "arguments");
    }

    /** {@link #callInto(Map, List)} with the arguments under {@code argumentsKey} (Llama 3.1 says "parameters"). */
    public static Expr callInto(Map<String, Expr> rules, List<Function> functions, String argumentsKey) {
        if (functions.isEmpty()) {
            throw new IllegalArgumentException("a call needs at least one function");
        }
        List<Expr> calls = new ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            Function f = functions.get(i);
            calls.add(Expr.seq(Expr.literal("{\"name\":"), JsonGrammar.SPACE,
                    Expr.literal(Json.write(Json.VALUE, new JsonValue.Str(f.name())) + ","), JsonGrammar.SPACE,
                    Expr.literal(Json.write(Json.VALUE, new JsonValue.Str(argumentsKey)) + ":"), JsonGrammar.SPACE,
                    arguments(rules, "fn" + i + ".", f), Expr.literal("}")));
        }
        return Expr.alt(calls);
    }

    /**
     * A turn of {@code minCalls..maxCalls} calls (maxCalls -1: no limit) written the way {@code syntax} writes them,
     * so a tool-calling turn can be forced ({@code tool_choice} required or named) and strict arguments enforced.
     */
    public static Grammar calls(List<Function> functions, ToolCallSyntax syntax, int minCalls, int maxCalls) {
        Map<String, Expr> rules = new LinkedHashMap<>();
        JsonGrammar.addRules(rules);
        Expr body;
        if (syntax.nameEnd() == null) {
            body = callInto(rules, functions, syntax.argumentsKey());
        } else {
            List<Expr> named = new ArrayList<>();
            for (int i = 0; i < functions.size(); i++) {
                Function f = functions.get(i);
                named.add(Expr.seq(Expr.literal(f.name() + syntax.nameEnd()), arguments(rules, "fn" + i + ".", f)));
            }
            body = Expr.alt(named);
        }
        rules.put("call", Expr.seq(Expr.literal(syntax.open()), body, Expr.literal(syntax.close())));
        Expr more = new Expr.Repeat(Expr.seq(Expr.literal(syntax.separator()), Expr.ref("call")), Math.max(0, minCalls - 1),
                maxCalls < 0 ? -1 : maxCalls - 1);
        Expr turn = Expr.seq(Expr.literal(syntax.before()), Expr.ref("call"), more, Expr.literal(syntax.after()));
        rules.put("document", minCalls == 0 ? Expr.optional(turn) : turn);
        return JsonSchemaCompiler.build(rules, "document");
    }

    /**
     * A document of {@code minCalls..maxCalls} calls, each between {@code open} and {@code close},
     * with {@code separator} between calls (parallel calls when {@code maxCalls} is above one).
     */
    public static Grammar calls(List<Function> functions, String open, String close, String separator, int minCalls,
                                int maxCalls) {
        Map<String, Expr> rules = new LinkedHashMap<>();
        JsonGrammar.addRules(rules);
        rules.put("call", Expr.seq(Expr.literal(open), callInto(rules, functions), Expr.literal(close)));
        Expr more = new Expr.Repeat(Expr.seq(Expr.literal(separator), Expr.ref("call")), Math.max(0, minCalls - 1),
                maxCalls < 0 ? -1 : maxCalls - 1);
        Expr body = Expr.seq(Expr.ref("call"), more);
        rules.put("document", minCalls == 0 ? Expr.optional(body) : body);
        return JsonSchemaCompiler.build(rules, "document");
    }

    private static Expr arguments(Map<String, Expr> rules, String prefix, Function f) {
        if (f.strict()) {
            return JsonSchemaCompiler.compileInto(rules, prefix, f.parameters());
        }
        Map<String, Expr> attempt = new LinkedHashMap<>(rules);
        try {
            Expr e = JsonSchemaCompiler.compileInto(attempt, prefix, f.parameters());
            Grammar.of(withRoot(attempt, e), "arguments"); // refuses schemas with no finite instance
            rules.putAll(attempt);
            return e;
        } catch (UnsupportedSchemaException | GrammarException e) {
            return Expr.ref(JsonGrammar.OBJECT);
        }
    }

    private static Map<String, Expr> withRoot(Map<String, Expr> rules, Expr root) {
        Map<String, Expr> all = new LinkedHashMap<>(rules);
        all.put("arguments", root);
        return all;
    }
}
