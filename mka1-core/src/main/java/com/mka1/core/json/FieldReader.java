package com.mka1.core.json;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.HyperparameterValue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to the fields of a JSON object, for request parsing. A JSON {@code null} reads
 * as absent. A wrong type throws {@link InvalidRequestException} with the dotted field path as
 * {@code param} ("method.supervised.hyperparameters.n_epochs") and code {@code invalid_type}.
 */
public final class FieldReader {
    private final JsonValue.Obj obj;
    private final String path;

    private FieldReader(JsonValue.Obj obj, String path) {
        this.obj = obj;
        this.path = path;
    }

    /** Reads {@code value} as an object; {@code path} names it in errors ("" for a request body). */
    public static FieldReader of(JsonValue value, String path) {
        if (value instanceof JsonValue.Obj o) return new FieldReader(o, path);
        if (path.isEmpty()) {
            throw new InvalidRequestException("The request body must be a JSON object, but got " + describe(value) + ".",
                    null, "invalid_type");
        }
        throw typeError(path, "an object", value);
    }

    public JsonValue.Obj object() {
        return obj;
    }

    /** Whether the field is present and not null. */
    public boolean has(String name) {
        JsonValue v = obj.get(name);
        return v != null && v != JsonValue.Null.INSTANCE;
    }

    /** The raw value, or null when absent or null. */
    public JsonValue raw(String name) {
        return has(name) ? obj.get(name) : null;
    }

    public String string(String name) {
        JsonValue v = raw(name);
        if (v == null) return null;
        if (v instanceof JsonValue.Str(String s)) return s;
        throw typeError(at(name), "a string", v);
    }

    public String requiredString(String name) {
        String s = string(name);
        if (s == null) throw missing(at(name));
        return s;
    }

    public Boolean bool(String name) {
        JsonValue v = raw(name);
        if (v == null) return null;
        if (v instanceof JsonValue.Bool(boolean b)) return b;
        throw typeError(at(name), "a boolean", v);
    }

    public Long longValue(String name) {
        JsonValue v = raw(name);
        if (v == null) return null;
        BigDecimal d = integral(at(name), v);
        if (d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 || d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
            throw outOfRange(at(name), d);
        }
        return d.longValueExact();
    }

    public Integer integer(String name) {
        JsonValue v = raw(name);
        if (v == null) return null;
        BigDecimal d = integral(at(name), v);
        if (d.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw outOfRange(at(name), d);
        }
        return d.intValueExact();
    }

    public Double number(String name) {
        JsonValue v = raw(name);
        if (v == null) return null;
        if (v instanceof JsonValue.Num(BigDecimal d)) return finite(at(name), d);
        throw typeError(at(name), "a number", v);
    }

    /** {@code "auto"} or an integer; absent reads as auto. */
    public HyperparameterValue<Integer> autoOrInteger(String name) {
        JsonValue v = raw(name);
        if (v == null || isAuto(v)) return HyperparameterValue.auto();
        if (v instanceof JsonValue.Num) return HyperparameterValue.of(integer(name));
        throw typeError(at(name), "\"auto\" or an integer", v);
    }

    /** {@code "auto"} or a number; absent reads as auto. */
    public HyperparameterValue<Double> autoOrNumber(String name) {
        JsonValue v = raw(name);
        if (v == null || isAuto(v)) return HyperparameterValue.auto();
        if (v instanceof JsonValue.Num(BigDecimal d)) return HyperparameterValue.of(finite(at(name), d));
        throw typeError(at(name), "\"auto\" or a number", v);
    }

    /** A nested object, or null when absent. */
    public FieldReader child(String name) {
        JsonValue v = raw(name);
        return v == null ? null : of(v, at(name));
    }

    public List<JsonValue> array(String name) {
        JsonValue v = raw(name);
        if (v == null) return null;
        if (v instanceof JsonValue.Arr(List<JsonValue> items)) return items;
        throw typeError(at(name), "an array", v);
    }

    /** A list of strings, or null when absent. */
    public List<String> stringList(String name) {
        List<JsonValue> items = array(name);
        if (items == null) return null;
        return items.stream().map(item -> {
            if (item instanceof JsonValue.Str(String s)) return s;
            throw typeError(at(name) + "[]", "a string", item);
        }).toList();
    }

    /** A list of integers, or null when absent. */
    public List<Integer> integerList(String name) {
        List<JsonValue> items = array(name);
        if (items == null) return null;
        return items.stream().map(item -> {
            BigDecimal d = integral(at(name) + "[]", item);
            if (d.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) throw outOfRange(at(name) + "[]", d);
            return d.intValueExact();
        }).toList();
    }

    /** An object whose values are all strings (metadata), or null when absent. */
    public Map<String, String> stringMap(String name) {
        FieldReader child = child(name);
        if (child == null) return null;
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : child.obj.fields().entrySet()) {
            if (!(e.getValue() instanceof JsonValue.Str(String s))) {
                throw typeError(child.at(e.getKey()), "a string", e.getValue());
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    /** The dotted path of a field of this object. */
    public String at(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static boolean isAuto(JsonValue v) {
        return v instanceof JsonValue.Str(String s) && s.equals("auto");
    }

    private static BigDecimal integral(String field, JsonValue v) {
        if (v instanceof JsonValue.Num(BigDecimal d)) {
            if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) return d.setScale(0, java.math.RoundingMode.UNNECESSARY);
        }
        throw typeError(field, "an integer", v);
    }

    /** The number as a double; one a double cannot hold (1e309 would be Infinity) is out of range. */
    private static double finite(String field, BigDecimal d) {
        double value = d.doubleValue();
        if (!Double.isFinite(value)) throw outOfRange(field, d);
        return value;
    }

    private static InvalidRequestException outOfRange(String field, BigDecimal d) {
        return new InvalidRequestException("Invalid '" + field + "': " + Quoted.prefix(d.stripTrailingZeros().toString()) + " is out of range.",
                field, "invalid_value");
    }

    static InvalidRequestException typeError(String field, String expected, JsonValue got) {
        return new InvalidRequestException("Invalid type for '" + field + "': expected " + expected + ", but got "
                + describe(got) + " instead.", field, "invalid_type");
    }

    static InvalidRequestException missing(String field) {
        return new InvalidRequestException("Missing required parameter: '" + field + "'.", field, "missing_required_parameter");
    }

    /** "a string", "a number", ... for error messages. */
    public static String describe(JsonValue v) {
        return switch (v) {
            case JsonValue.Null n -> "null";
            case JsonValue.Str s -> "a string";
            case JsonValue.Num n -> n.value().stripTrailingZeros().scale() <= 0 ? "an integer" : "a decimal number";
            case JsonValue.Bool b -> "a boolean";
            case JsonValue.Arr a -> "an array";
            case JsonValue.Obj o -> "an object";
        };
    }
}
