package com.mka1.core.jinja;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON in and out as transformers' {@code tojson} filter sees it: reading keeps key order
 * (objects become LinkedHashMaps, integers Longs, decimals Doubles); writing is Python's
 * {@code json.dumps(x, ensure_ascii=False)}: separators {@code ", "}/{@code ": "} (with indent
 * {@code ","} and a newline), non-ASCII text as is, no HTML escaping.
 */
public final class PyJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private PyJson() {}

    /** Parses JSON text into template values (maps, lists, strings, numbers, booleans, null). */
    public static Object parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            Object value = read(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after JSON value");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IllegalArgumentException("empty JSON text");
        }
        return switch (t) {
            case START_OBJECT -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, read(p));
                }
                yield Collections.unmodifiableMap(map);
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                yield Collections.unmodifiableList(list);
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalArgumentException("unexpected JSON token " + t);
        };
    }

    /** Template values as JSON text the way {@code tojson} writes them ({@code json.dumps(value, ensure_ascii=False)}). */
    public static String toJson(Object value) {
        return dumps(value, -1, false);
    }

    /** {@code json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sortKeys)}; indent &lt; 0 means none. */
    static String dumps(Object value, int indent, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, indent, sortKeys, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value, int indent, boolean sortKeys, int level) {
        switch (Py.plain(value)) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b ? "true" : "false");
            case Long l -> sb.append(l);
            case Double d -> sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : Py.floatRepr(d));
            case String s -> string(sb, s);
            case List<?> list -> {
                if (list.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    separator(sb, i > 0, indent, level + 1);
                    write(sb, list.get(i), indent, sortKeys, level + 1);
                }
                close(sb, indent, level);
                sb.append(']');
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                Map<?, ?> ordered = sortKeys ? new TreeMap<>(map) : map;
                sb.append('{');
                boolean first = true;
                for (var e : ordered.entrySet()) {
                    separator(sb, !first, indent, level + 1);
                    first = false;
                    string(sb, key(e.getKey()));
                    sb.append(": ");
                    write(sb, e.getValue(), indent, sortKeys, level + 1);
                }
                close(sb, indent, level);
                sb.append('}');
            }
            default -> throw new JinjaException.Runtime("Object of type " + Py.typeName(value) + " is not JSON serializable");
        }
    }

    private static String key(Object key) {
        return switch (key) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Long l -> l.toString();
            case Double d -> Py.floatRepr(d);
            default -> throw new JinjaException.Runtime("keys must be str, int, float, bool or None, not " + Py.typeName(key));
        };
    }

    private static void separator(StringBuilder sb, boolean comma, int indent, int level) {
        if (indent < 0) {
            sb.append(comma ? ", " : "");
        } else {
            sb.append(comma ? ",\n" : "\n").append(" ".repeat(indent * level));
        }
    }

    private static void close(StringBuilder sb, int indent, int level) {
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * level));
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
