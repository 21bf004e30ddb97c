package com.mka1.core.inference.constrained;

import com.mka1.api.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON Schema validator for tests, written apart from the grammar compiler (it walks parsed values,
 * never bytes), for the keywords the compiler supports. Returns the problems found (empty: valid).
 */
public final class SchemaValidator {
    private final JsonValue root;

    private SchemaValidator(JsonValue root) {
        this.root = root;
    }

    public static List<String> problems(JsonValue schema, JsonValue value) {
        List<String> out = new ArrayList<>();
        new SchemaValidator(schema).check(schema, value, "$", out);
        return out;
    }

    private void check(JsonValue schema, JsonValue v, String at, List<String> out) {
        if (schema instanceof JsonValue.Bool(boolean b)) {
            if (!b) out.add(at + ": false schema");
            return;
        }
        JsonValue.Obj s = (JsonValue.Obj) schema;
        if (s.get("$ref") instanceof JsonValue.Str(String ref)) {
            JsonValue target = root;
            if (!ref.equals("#")) {
                for (String part : ref.substring(2).split("/")) target = ((JsonValue.Obj) target).get(part);
            }
            check(target, v, at, out);
            return;
        }
        if (s.get("anyOf") instanceof JsonValue.Arr(List<JsonValue> options)) {
            for (JsonValue option : options) {
                List<String> p = new ArrayList<>();
                check(option, v, at, p);
                if (p.isEmpty()) return;
            }
            out.add(at + ": matches no anyOf option");
            return;
        }
        if (s.get("const") != null && !same(s.get("const"), v)) out.add(at + ": not the const");
        if (s.get("enum") instanceof JsonValue.Arr(List<JsonValue> values) && values.stream().noneMatch(e -> same(e, v))) {
            out.add(at + ": not in enum");
        }
        if (s.get("type") != null) {
            List<JsonValue> types = s.get("type") instanceof JsonValue.Arr(List<JsonValue> t) ? t : List.of(s.get("type"));
            if (types.stream().noneMatch(t -> hasType(((JsonValue.Str) t).value(), v))) {
                out.add(at + ": not of type " + types);
                return;
            }
        }
        if (v instanceof JsonValue.Obj o) {
            JsonValue.Obj props = s.get("properties") instanceof JsonValue.Obj p ? p : JsonValue.Obj.EMPTY;
            if (s.get("required") instanceof JsonValue.Arr(List<JsonValue> req)) {
                for (JsonValue name : req) {
                    if (o.get(((JsonValue.Str) name).value()) == null) out.add(at + ": missing " + name);
                }
            }
            for (Map.Entry<String, JsonValue> e : o.fields().entrySet()) {
                JsonValue sub = props.get(e.getKey());
                if (sub == null) {
                    JsonValue extra = s.get("additionalProperties");
                    if (extra instanceof JsonValue.Bool(boolean allowed) && !allowed) {
                        out.add(at + ": extra property " + e.getKey());
                    } else if (extra instanceof JsonValue.Obj) {
                        check(extra, e.getValue(), at + "." + e.getKey(), out);
                    }
                } else {
                    check(sub, e.getValue(), at + "." + e.getKey(), out);
                }
            }
        }
        if (v instanceof JsonValue.Arr(List<JsonValue> items)) {
            if (s.get("minItems") instanceof JsonValue.Num(BigDecimal n) && items.size() < n.intValue()) out.add(at + ": too few items");
            if (s.get("maxItems") instanceof JsonValue.Num(BigDecimal n) && items.size() > n.intValue()) out.add(at + ": too many items");
            if (s.get("items") != null) {
                for (int i = 0; i < items.size(); i++) check(s.get("items"), items.get(i), at + "[" + i + "]", out);
            }
        }
        if (v instanceof JsonValue.Str(String text)) {
            int length = text.codePointCount(0, text.length());
            if (s.get("minLength") instanceof JsonValue.Num(BigDecimal n) && length < n.intValue()) out.add(at + ": too short");
            if (s.get("maxLength") instanceof JsonValue.Num(BigDecimal n) && length > n.intValue()) out.add(at + ": too long");
        }
    }

    private static boolean hasType(String type, JsonValue v) {
        return switch (type) {
            case "object" -> v instanceof JsonValue.Obj;
            case "array" -> v instanceof JsonValue.Arr;
            case "string" -> v instanceof JsonValue.Str;
            case "number" -> v instanceof JsonValue.Num;
            case "integer" -> v instanceof JsonValue.Num(BigDecimal d) && d.stripTrailingZeros().scale() <= 0;
            case "boolean" -> v instanceof JsonValue.Bool;
            case "null" -> v == JsonValue.Null.INSTANCE;
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static boolean same(JsonValue a, JsonValue b) {
        if (a instanceof JsonValue.Num(BigDecimal x) && b instanceof JsonValue.Num(BigDecimal y)) return x.compareTo(y) == 0;
        return a.equals(b);
    }
}
