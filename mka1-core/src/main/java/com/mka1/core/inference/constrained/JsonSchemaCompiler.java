package com.mka1.core.inference.constrained;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a JSON Schema to a {@link Grammar} whose documents all validate against it.
 *
 * <p>Supported: {@code type} (one or a list), {@code properties}, {@code required},
 * {@code additionalProperties} (false, true, or a schema for an object without {@code properties}),
 * {@code items}, {@code minItems}, {@code maxItems}, {@code minLength}, {@code maxLength},
 * {@code enum}, {@code const}, {@code anyOf}, {@code $ref} to {@code #}, {@code #/$defs/...} or
 * {@code #/definitions/...} (recursion included), and the annotations ({@code title},
 * {@code description}, {@code default}, {@code examples}, ...). Any other keyword is refused with
 * an {@link UnsupportedSchemaException} naming it: never a silently unconstrained answer.
 *
 * <p>Property order: properties are written in the schema's order (as OpenAI's strict mode does);
 * every required property is written, optional ones may be left out, and no other property is
 * written (so output validates whatever {@code additionalProperties} says).
 */
public final class JsonSchemaCompiler {
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema",
            "$id", "$comment", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");
    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "minLength", "maxLength", "enum", "const", "anyOf", "$ref");
    private static final List<String> TYPES = List.of("object", "array", "string", "integer", "number", "boolean", "null");
    /** Counted repetitions are unrolled; beyond this the grammar would grow too large. */
    private static final int MAX_COUNT = 1024;

    private final JsonValue root;
    private final Map<String, Expr> rules;
    private final String prefix;
    private final Map<String, String> refRules = new HashMap<>();
    private int next;

    private JsonSchemaCompiler(JsonValue root, Map<String, Expr> rules, String prefix) {
        this.root = root;
        this.rules = rules;
        this.prefix = prefix;
    }

    /** The grammar of documents valid against {@code schema}. */
    public static Grammar compile(JsonValue schema) {
        Map<String, Expr> rules = new LinkedHashMap<>();
        JsonGrammar.addRules(rules);
        rules.put("document", JsonGrammar.document(compileInto(rules, "", schema)));
        return build(rules, "document");
    }

    /**
     * Compiles {@code schema} into {@code rules} (which already hold {@link JsonGrammar#addRules}),
     * naming the rules it adds with {@code prefix} so that several schemas share one grammar; returns
     * the expression of a value valid against it. Its {@code $ref}s resolve within {@code schema}.
     */
    public static Expr compileInto(Map<String, Expr> rules, String prefix, JsonValue schema) {
        return new JsonSchemaCompiler(schema, rules, prefix).schema(schema, "#");
    }

    /** The grammar of {@code rules}, refusing (as a schema problem) one that has no finite document. */
    static Grammar build(Map<String, Expr> rules, String root) {
        try {
            return Grammar.of(rules, root);
        } catch (GrammarException e) {
            throw new UnsupportedSchemaException("the schema has no finite instance or refers to itself endlessly: "
                    + e.getMessage(), "#");
        }
    }

    /** The grammar of any JSON object ({@code json_object}). */
    public static Grammar anyObject() {
        Map<String, Expr> rules = new LinkedHashMap<>();
        JsonGrammar.addRules(rules);
        rules.put("document", JsonGrammar.document(Expr.ref(JsonGrammar.OBJECT)));
        return Grammar.of(rules, "document");
    }

    private Expr schema(JsonValue s, String at) {
        if (s instanceof JsonValue.Bool(boolean b)) {
            if (!b) throw new UnsupportedSchemaException("the schema 'false' has no instance", at);
            return Expr.ref(JsonGrammar.VALUE);
        }
        if (!(s instanceof JsonValue.Obj o)) {
            throw new UnsupportedSchemaException("a schema must be an object or a boolean", at);
        }
        for (String key : o.fields().keySet()) {
            if (!KEYWORDS.contains(key) && !ANNOTATIONS.contains(key)) {
                throw new UnsupportedSchemaException("unsupported keyword '" + key + "'", at);
            }
        }
        if (o.get("$ref") != null) {
            alone(o, "$ref", at);
            return ref(string(o.get("$ref"), at + "/$ref"), at);
        }
        if (o.get("anyOf") != null) {
            alone(o, "anyOf", at);
            List<JsonValue> options = array(o.get("anyOf"), at + "/anyOf");
            if (options.isEmpty()) throw new UnsupportedSchemaException("'anyOf' must not be empty", at);
            List<Expr> alts = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                alts.add(schema(options.get(i), at + "/anyOf/" + i));
            }
            return Expr.alt(alts);
        }
        if (o.get("const") != null) {
            return Expr.literal(Json.write(Json.VALUE, o.get("const")));
        }
        if (o.get("enum") != null) {
            List<JsonValue> values = array(o.get("enum"), at + "/enum");
            if (values.isEmpty()) throw new UnsupportedSchemaException("'enum' must not be empty", at);
            return Expr.alt(values.stream().map(v -> Expr.literal(Json.write(Json.VALUE, v))).toList());
        }
        List<Expr> alts = new ArrayList<>();
        for (String type : types(o, at)) {
            alts.add(switch (type) {
                case "object" -> object(o, at);
                case "array" -> array(o, at);
                case "string" -> string(o, at);
                case "integer" -> Expr.ref(JsonGrammar.INTEGER);
                case "number" -> Expr.ref(JsonGrammar.NUMBER);
                case "boolean" -> Expr.alt(Expr.literal("true"), Expr.literal("false"));
                case "null" -> Expr.literal("null");
                default -> Expr.ref(JsonGrammar.VALUE);
            });
        }
        return Expr.alt(alts);
    }

    /** The types a schema allows: its {@code type}, else what its keywords imply, else any. */
    private static List<String> types(JsonValue.Obj o, String at) {
        JsonValue type = o.get("type");
        if (type == null) {
            if (o.get("properties") != null || o.get("required") != null || o.get("additionalProperties") != null) {
                return List.of("object");
            }
            if (o.get("items") != null || o.get("minItems") != null || o.get("maxItems") != null) return List.of("array");
            if (o.get("minLength") != null || o.get("maxLength") != null) return List.of("string");
            return List.of("any");
        }
        List<JsonValue> names = type instanceof JsonValue.Arr(List<JsonValue> items) ? items : List.of(type);
        List<String> out = new ArrayList<>();
        for (JsonValue name : names) {
            String t = string(name, at + "/type");
            if (!TYPES.contains(t)) throw new UnsupportedSchemaException("unknown type '" + t + "'", at + "/type");
            if (!out.contains(t)) out.add(t);
        }
        if (out.isEmpty()) throw new UnsupportedSchemaException("'type' must not be empty", at + "/type");
        return out;
    }

    private Expr object(JsonValue.Obj o, String at) {
        JsonValue additional = o.get("additionalProperties");
        JsonValue.Obj properties = o.get("properties") == null ? JsonValue.Obj.EMPTY
                : object(o.get("properties"), at + "/properties");
        List<String> required = new ArrayList<>();
        if (o.get("required") != null) {
            for (JsonValue name : array(o.get("required"), at + "/required")) {
                String n = string(name, at + "/required");
                if (properties.get(n) == null) {
                    throw new UnsupportedSchemaException("required property '" + n + "' is not in 'properties'", at + "/required");
                }
                required.add(n);
            }
        }
        if (properties.fields().isEmpty()) {
            if (additional == null || additional instanceof JsonValue.Bool(boolean b) && b) {
                return Expr.ref(JsonGrammar.OBJECT);
            }
            if (additional instanceof JsonValue.Bool) {
                return Expr.literal("{}");
            }
            return JsonGrammar.object(Expr.ref(JsonGrammar.STRING), schema(additional, at + "/additionalProperties"));
        }
        if (additional != null && !(additional instanceof JsonValue.Bool)) {
            schema(additional, at + "/additionalProperties"); // checked, though only declared properties are written
        }
        List<Expr> members = new ArrayList<>();
        List<Boolean> mandatory = new ArrayList<>();
        for (var e : properties.fields().entrySet()) {
            Expr value = schema(e.getValue(), at + "/properties/" + pointerEscape(e.getKey()));
            members.add(Expr.seq(Expr.literal(Json.write(Json.VALUE, new JsonValue.Str(e.getKey())) + ":"),
                    JsonGrammar.SPACE, value));
            mandatory.add(required.contains(e.getKey()));
        }
        // first(i): members i.. with none written yet; after(i): the same once one is written (comma first)
        String id = prefix + "object" + next++;
        int n = members.size();
        for (int i = n; i >= 0; i--) {
            Expr first;
            Expr after;
            if (i == n) {
                first = Expr.EMPTY;
                after = Expr.EMPTY;
            } else {
                Expr take = Expr.seq(members.get(i), Expr.ref(id + ".after" + (i + 1)));
                Expr takeAfter = Expr.seq(Expr.literal(","), JsonGrammar.SPACE, take);
                first = mandatory.get(i) ? take : Expr.alt(take, Expr.ref(id + ".first" + (i + 1)));
                after = mandatory.get(i) ? takeAfter : Expr.alt(takeAfter, Expr.ref(id + ".after" + (i + 1)));
            }
            rules.put(id + ".first" + i, first);
            rules.put(id + ".after" + i, after);
        }
        return Expr.seq(Expr.literal("{"), Expr.ref(id + ".first0"), Expr.literal("}"));
    }

    private Expr array(JsonValue.Obj o, String at) {
        int min = count(o, "minItems", 0, at);
        int max = count(o, "maxItems", -1, at);
        if (max >= 0 && max < min) throw new UnsupportedSchemaException("'maxItems' is below 'minItems'", at);
        JsonValue items = o.get("items");
        Expr item = items == null ? Expr.ref(JsonGrammar.VALUE) : schema(items, at + "/items");
        String rule = prefix + "array" + next++ + ".item";
        rules.put(rule, item); // a rule, so unrolled counts repeat a call rather than the whole item
        return JsonGrammar.list("[", Expr.ref(rule), "]", min, max);
    }

    private Expr string(JsonValue.Obj o, String at) {
        int min = count(o, "minLength", 0, at);
        int max = count(o, "maxLength", -1, at);
        if (min == 0 && max < 0) return Expr.ref(JsonGrammar.STRING);
        if (max >= 0 && max < min) throw new UnsupportedSchemaException("'maxLength' is below 'minLength'", at);
        // JSON Schema counts code points; one char rule reads one code point (or one escape)
        return Expr.seq(Expr.literal("\""), new Expr.Repeat(Expr.ref(JsonGrammar.CHAR), min, max), Expr.literal("\""));
    }

    private static int count(JsonValue.Obj o, String keyword, int absent, String at) {
        JsonValue v = o.get(keyword);
        if (v == null) return absent;
        if (!(v instanceof JsonValue.Num(BigDecimal d)) || d.signum() < 0 || d.stripTrailingZeros().scale() > 0) {
            throw new UnsupportedSchemaException("'" + keyword + "' must be a non-negative integer", at + "/" + keyword);
        }
        if (d.compareTo(BigDecimal.valueOf(MAX_COUNT)) > 0) {
            throw new UnsupportedSchemaException("'" + keyword + "' above " + MAX_COUNT + " is not supported", at + "/" + keyword);
        }
        return d.intValue();
    }

    /** A rule for the schema a {@code $ref} points at (compiled once, so recursion terminates). */
    private Expr ref(String pointer, String at) {
        String rule = refRules.get(pointer);
        if (rule == null) {
            rule = prefix + "ref" + next++;
            refRules.put(pointer, rule);
            rules.put(rule, Expr.EMPTY); // placeholder while the target compiles (it may refer to itself)
            rules.put(rule, schema(resolve(pointer, at), pointer));
        }
        return Expr.ref(rule);
    }

    private JsonValue resolve(String pointer, String at) {
        if (!pointer.equals("#") && !pointer.startsWith("#/")) {
            throw new UnsupportedSchemaException("only local '$ref's (#/...) are supported, got '" + pointer + "'", at);
        }
        JsonValue node = root;
        if (pointer.length() > 1) {
            for (String part : pointer.substring(2).split("/", -1)) {
                String key = part.replace("~1", "/").replace("~0", "~");
                node = switch (node) {
                    case JsonValue.Obj o -> o.get(key);
                    case JsonValue.Arr a when key.matches("\\d+") && Integer.parseInt(key) < a.items().size() ->
                            a.items().get(Integer.parseInt(key));
                    default -> null;
                };
                if (node == null) throw new UnsupportedSchemaException("'$ref' target '" + pointer + "' does not exist", at);
            }
        }
        return node;
    }

    private static void alone(JsonValue.Obj o, String keyword, String at) {
        for (String key : o.fields().keySet()) {
            if (!key.equals(keyword) && !ANNOTATIONS.contains(key)) {
                throw new UnsupportedSchemaException("'" + keyword + "' together with '" + key + "' is not supported", at);
            }
        }
    }

    private static String string(JsonValue v, String at) {
        if (v instanceof JsonValue.Str(String s)) return s;
        throw new UnsupportedSchemaException("expected a string", at);
    }

    private static List<JsonValue> array(JsonValue v, String at) {
        if (v instanceof JsonValue.Arr(List<JsonValue> items)) return items;
        throw new UnsupportedSchemaException("expected an array", at);
    }

    private static JsonValue.Obj object(JsonValue v, String at) {
        if (v instanceof JsonValue.Obj o) return o;
        throw new UnsupportedSchemaException("expected an object", at);
    }

    private static String pointerEscape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
