package com.mka1.api;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable JSON value, used where the API carries free-form data (event {@code data},
 * {@code integrations}). Objects keep their key order.
 */
public sealed interface JsonValue {

    /** JSON {@code null}. */
    enum Null implements JsonValue { INSTANCE }

    /** A JSON string. */
    record Str(String value) implements JsonValue {
        public Str {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A JSON number, held exactly. */
    record Num(BigDecimal value) implements JsonValue {
        public Num {
            Objects.requireNonNull(value, "value");
        }

        public static Num of(long v) {
            return new Num(BigDecimal.valueOf(v));
        }

        /** A finite double in its shortest plain decimal form (1.0 becomes 1, 1e-4 becomes 0.0001). */
        public static Num of(double v) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("JSON numbers must be finite: " + v);
            BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
            return new Num(d.scale() < 0 ? d.setScale(0) : d);
        }
    }

    /** {@code true} or {@code false}. */
    record Bool(boolean value) implements JsonValue {}

    /** A JSON array. */
    record Arr(List<JsonValue> items) implements JsonValue {
        public Arr {
            items = List.copyOf(items);
        }
    }

    /** A JSON object; iteration follows insertion order. */
    record Obj(Map<String, JsonValue> fields) implements JsonValue {
        public Obj {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public static final Obj EMPTY = new Obj(Map.of());

        /** The value of {@code name}, or null when absent. */
        public JsonValue get(String name) {
            return fields.get(name);
        }
    }

    static JsonValue of(String s) {
        return s == null ? Null.INSTANCE : new Str(s);
    }
}
