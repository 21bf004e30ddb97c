package com.mka1.server.testing;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validator for the part of OpenAPI 3.0 schemas that OpenAI's component schemas use: {@code type}
 * (with {@code nullable}), {@code enum}, {@code required}, {@code properties},
 * {@code additionalProperties}, {@code items}, {@code anyOf} (a union told apart by {@code type} reports the
 * problems of the branch of that type), {@code allOf} and local {@code $ref}.
 * The schemas are the committed subset in {@code /openai/components.json} (its header names the
 * source and version). Statuses MKA1 adds ({@code x-mka1-enum}) pass only when allowed.
 */
public final class OpenApiSchemas {
    private static final String PREFIX = "#/components/schemas/";
    private final Map<String, JsonValue> schemas;

    private OpenApiSchemas(Map<String, JsonValue> schemas) {
        this.schemas = schemas;
    }

    /** The committed OpenAI subset. */
    public static OpenApiSchemas openAi() {
        try (InputStream in = OpenApiSchemas.class.getResourceAsStream("/openai/components.json")) {
            if (in == null) throw new IllegalStateException("test resource /openai/components.json is missing");
            JsonValue root = Json.parse(in.readAllBytes());
            return new OpenApiSchemas(obj(obj(obj(root).get("components")).get("schemas")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of {@code json} against schema {@code name} (empty: valid); MKA1's extension values pass if allowed. */
    public List<String> problems(String name, String json, boolean allowMka1Extensions) {
        List<String> out = new ArrayList<>();
        check(ref(PREFIX + name), Json.parse(json), "$", allowMka1Extensions, out);
        return out;
    }

    public List<String> problems(String name, String json) {
        return problems(name, json, false);
    }

    private JsonValue ref(String ref) {
        if (!ref.startsWith(PREFIX) || !schemas.containsKey(ref.substring(PREFIX.length()))) {
            throw new IllegalArgumentException("no schema " + ref);
        }
        return schemas.get(ref.substring(PREFIX.length()));
    }

    private void check(JsonValue schemaValue, JsonValue value, String at, boolean ext, List<String> out) {
        Map<String, JsonValue> schema = obj(schemaValue);
        if (schema.get("$ref") instanceof JsonValue.Str(String r)) { // OpenAPI 3.0: siblings of $ref are ignored
            check(ref(r), value, at, ext, out);
            return;
        }
        boolean nullable = schema.get("nullable") instanceof JsonValue.Bool(boolean b) && b;
        if (value instanceof JsonValue.Null) {
            if (!nullable) out.add(at + ": null where the schema does not allow it");
            return;
        }
        if (schema.get("allOf") instanceof JsonValue.Arr(List<JsonValue> all)) {
            for (JsonValue s : all) check(s, value, at, ext, out);
        }
        if (schema.get("anyOf") instanceof JsonValue.Arr(List<JsonValue> any)) {
            boolean matched = false;
            List<List<String>> sameType = new ArrayList<>();
            for (JsonValue s : any) {
                List<String> tried = new ArrayList<>();
                check(s, value, at, ext, tried);
                matched |= tried.isEmpty();
                if (tried.stream().noneMatch(p -> p.startsWith(at + ".type: "))) sameType.add(tried);
            }
            // a union told apart by its "type" (output items): the problems of the one branch of that type
            if (!matched && sameType.size() == 1) out.addAll(sameType.getFirst());
            else if (!matched) out.add(at + ": matches none of anyOf");
        }
        if (schema.get("type") instanceof JsonValue.Str(String type) && !hasType(value, type)) {
            out.add(at + ": expected " + type + ", got " + Json.write(Json.VALUE, value));
            return;
        }
        if (schema.get("enum") instanceof JsonValue.Arr(List<JsonValue> allowed) && !allowed.contains(value)
                && !(ext && schema.get("x-mka1-enum") instanceof JsonValue.Arr(List<JsonValue> more) && more.contains(value))) {
            out.add(at + ": " + Json.write(Json.VALUE, value) + " is not one of " + Json.write(Json.VALUE, schema.get("enum")));
        }
        if (value instanceof JsonValue.Obj(Map<String, JsonValue> fields)) {
            if (schema.get("required") instanceof JsonValue.Arr(List<JsonValue> required)) {
                for (JsonValue r : required) {
                    String name = ((JsonValue.Str) r).value();
                    if (!fields.containsKey(name)) out.add(at + ": required field '" + name + "' is missing");
                }
            }
            Map<String, JsonValue> properties = schema.get("properties") instanceof JsonValue.Obj(Map<String, JsonValue> p) ? p : Map.of();
            for (Map.Entry<String, JsonValue> f : fields.entrySet()) {
                JsonValue property = properties.get(f.getKey());
                if (property == null) property = schema.get("additionalProperties") instanceof JsonValue.Obj a ? a : null;
                if (property != null) check(property, f.getValue(), at + "." + f.getKey(), ext, out);
            }
        }
        if (value instanceof JsonValue.Arr(List<JsonValue> items) && schema.get("items") != null) {
            for (int i = 0; i < items.size(); i++) check(schema.get("items"), items.get(i), at + "[" + i + "]", ext, out);
        }
    }

    private static boolean hasType(JsonValue v, String type) {
        return switch (type) {
            case "string" -> v instanceof JsonValue.Str;
            case "boolean" -> v instanceof JsonValue.Bool;
            case "number" -> v instanceof JsonValue.Num;
            case "integer" -> v instanceof JsonValue.Num(BigDecimal n) && n.stripTrailingZeros().scale() <= 0;
            case "object" -> v instanceof JsonValue.Obj;
            case "array" -> v instanceof JsonValue.Arr;
            default -> throw new IllegalArgumentException("unknown schema type " + type);
        };
    }

    private static Map<String, JsonValue> obj(JsonValue v) {
        return ((JsonValue.Obj) v).fields();
    }
}
