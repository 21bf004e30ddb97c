package com.mka1.core.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** A JSON object read by {@link JsonTree}, with typed accessors whose errors name the field's path. */
record JsonObject(Map<String, Object> fields, String path) {

    boolean has(String key) {
        return fields.get(key) != null;
    }

    Object raw(String key) {
        return fields.get(key);
    }

    String where(String key) {
        return path + "." + key;
    }

    String string(String key) {
        if (fields.get(key) instanceof String s) {
            return s;
        }
        throw new TokenizerFormatException(where(key) + ": expected a string, got " + describe(fields.get(key)));
    }

    String optString(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    boolean optBool(String key, boolean fallback) {
        Object v = fields.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new TokenizerFormatException(where(key) + ": expected true or false, got " + describe(v));
    }

    long integer(String key) {
        if (fields.get(key) instanceof Long l) {
            return l;
        }
        throw new TokenizerFormatException(where(key) + ": expected an integer, got " + describe(fields.get(key)));
    }

    JsonObject object(String key) {
        return asObject(fields.get(key), where(key));
    }

    List<Object> list(String key) {
        if (fields.get(key) instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) l;
            return list;
        }
        throw new TokenizerFormatException(where(key) + ": expected an array, got " + describe(fields.get(key)));
    }

    /** The elements of an array field that must all be objects. */
    List<JsonObject> objects(String key) {
        List<Object> list = list(key);
        return IntStream.range(0, list.size())
                .mapToObj(i -> asObject(list.get(i), where(key) + "[" + i + "]"))
                .toList();
    }

    static JsonObject asObject(Object value, String path) {
        if (value instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            return new JsonObject(map, path);
        }
        throw new TokenizerFormatException(path + ": expected an object, got " + describe(value));
    }

    static String describe(Object value) {
        return switch (value) {
            case null -> "null (or missing)";
            case String s -> "string \"" + s + "\"";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            default -> value.toString();
        };
    }
}
