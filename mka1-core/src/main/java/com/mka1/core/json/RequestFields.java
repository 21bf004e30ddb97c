package com.mka1.core.json;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The top-level fields one kind of request may carry, each with what the server does with it:
 * read it, accept it only at the value that matches what the server does anyway (for example
 * {@code "include": []}), or refuse it. A refused or unknown field is a 400 naming it, never a 200
 * that silently ignores it; a value of the wrong type is a 400 too ({@code invalid_type}).
 */
final class RequestFields {
    /** What a request may say in one field. */
    @FunctionalInterface
    interface Rule {
        /** Throws InvalidRequestException when {@code value} (never JSON null) cannot be honoured. */
        void check(String field, JsonValue value);
    }

    /** A field the codec reads (and checks) itself. */
    static final Rule READ = (field, value) -> { };

    private final Map<String, Rule> rules;

    private RequestFields(Map<String, Rule> rules) {
        this.rules = rules;
    }

    static Builder builder() {
        return new Builder();
    }

    /** Checks every field of {@code body} (null values count as absent). */
    void check(JsonValue body) {
        if (!(body instanceof JsonValue.Obj(Map<String, JsonValue> fields))) {
            return; // FieldReader reports a body that is not an object
        }
        for (Map.Entry<String, JsonValue> e : fields.entrySet()) {
            Rule rule = rules.get(e.getKey());
            if (rule == null) {
                throw new InvalidRequestException("Unknown parameter: '" + e.getKey() + "'.", e.getKey(), "unknown_parameter");
            }
            if (!(e.getValue() instanceof JsonValue.Null)) {
                rule.check(e.getKey(), e.getValue());
            }
        }
    }

    /** Refused whatever its (well-typed) value: {@code why} says what is missing. */
    static Rule unsupported(Class<? extends JsonValue> type, String expected, String why) {
        return (field, value) -> {
            requireType(field, value, type, expected);
            throw unsupportedValue(field, why);
        };
    }

    /** Accepted only where {@code accepted} holds (the value that matches what the server does); else refused. */
    static Rule onlyWhen(Class<? extends JsonValue> type, String expected, java.util.function.Predicate<JsonValue> accepted,
                         String why) {
        return (field, value) -> {
            requireType(field, value, type, expected);
            if (!accepted.test(value)) {
                throw unsupportedValue(field, why);
            }
        };
    }

    /** Accepted as any value of {@code type} (an identifier or hint that changes nothing here). */
    static Rule anyOf(Class<? extends JsonValue> type, String expected) {
        return (field, value) -> requireType(field, value, type, expected);
    }

    /** A string among {@code accepted}; another string of {@code known} is refused as unsupported, others invalid. */
    static Rule strings(Set<String> accepted, Set<String> known, String why) {
        return (field, value) -> {
            requireType(field, value, JsonValue.Str.class, "a string");
            String s = ((JsonValue.Str) value).value();
            if (accepted.contains(s)) return;
            if (known.contains(s)) throw unsupportedValue(field, why);
            throw new InvalidRequestException("Invalid value for '" + field + "': '" + shortened(s)
                    + "'; expected one of " + String.join(", ", new java.util.TreeSet<>(known)) + ".", field, "invalid_value");
        };
    }

    /** At most 64 characters of a client's value, for an error message. */
    private static String shortened(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    static boolean isEmptyArray(JsonValue v) {
        return v instanceof JsonValue.Arr(java.util.List<JsonValue> items) && items.isEmpty();
    }

    private static void requireType(String field, JsonValue value, Class<? extends JsonValue> type, String expected) {
        if (!type.isInstance(value)) {
            throw FieldReader.typeError(field, expected, value);
        }
    }

    private static InvalidRequestException unsupportedValue(String field, String why) {
        return new InvalidRequestException("Unsupported parameter: '" + field + "' is not supported by this server yet ("
                + why + ").", field, "unsupported_parameter");
    }

    static final class Builder {
        private final Map<String, Rule> rules = new LinkedHashMap<>();

        Builder read(String... fields) {
            for (String f : fields) rules.put(f, READ);
            return this;
        }

        Builder rule(String field, Rule rule) {
            rules.put(field, rule);
            return this;
        }

        RequestFields build() {
            return new RequestFields(Map.copyOf(rules));
        }
    }
}
