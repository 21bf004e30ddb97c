package com.mka1.core.tokenizer;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A JSON object of a tokenizer file ({@link JsonValue}, parsed by {@link Json}), with typed
 * accessors whose errors name the field's path; every failure is a {@link TokenizerFormatException}.
 * A JSON {@code null} reads as absent.
 */
record JsonObject(Map<String, JsonValue> fields, String path) {

    /** The object at the top level of {@code file}. */
    static JsonObject read(Path file) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TokenizerFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(json, file.getFileName().toString());
    }

    /** The object at the top level of {@code json}, called {@code name} in errors. */
    static JsonObject parse(String json, String name) {
        return parse(json.getBytes(StandardCharsets.UTF_8), name);
    }

    private static JsonObject parse(byte[] json, String name) {
        try {
            return new JsonObject(Json.parseObject(json, name).fields(), name);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(e.getMessage().endsWith("top level must be a JSON object")
                    ? name + ": expected a JSON object at the top level" : e.getMessage(), e);
        }
    }

    boolean has(String key) {
        return raw(key) != null;
    }

    JsonValue raw(String key) {
        JsonValue v = fields.get(key);
        return v == JsonValue.Null.INSTANCE ? null : v;
    }

    String where(String key) {
        return path + "." + key;
    }

    String string(String key) {
        if (raw(key) instanceof JsonValue.Str(String s)) {
            return s;
        }
        throw new TokenizerFormatException(where(key) + ": expected a string, got " + describe(raw(key)));
    }

    String optString(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    boolean optBool(String key, boolean fallback) {
        JsonValue v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof JsonValue.Bool(boolean b)) {
            return b;
        }
        throw new TokenizerFormatException(where(key) + ": expected true or false, got " + describe(v));
    }

    long integer(String key) {
        if (Json.integerOrNull(raw(key)) instanceof Long l) {
            return l;
        }
        throw new TokenizerFormatException(where(key) + ": expected an integer, got " + describe(raw(key)));
    }

    JsonObject object(String key) {
        return asObject(raw(key), where(key));
    }

    List<JsonValue> list(String key) {
        if (raw(key) instanceof JsonValue.Arr(List<JsonValue> list)) {
            return list;
        }
        throw new TokenizerFormatException(where(key) + ": expected an array, got " + describe(raw(key)));
    }

    /** The elements of an array field that must all be objects. */
    List<JsonObject> objects(String key) {
        List<JsonValue> list = list(key);
        return IntStream.range(0, list.size())
                .mapToObj(i -> asObject(list.get(i), where(key) + "[" + i + "]"))
                .toList();
    }

    static JsonObject asObject(JsonValue value, String path) {
        if (value instanceof JsonValue.Obj o) {
            return new JsonObject(o.fields(), path);
        }
        throw new TokenizerFormatException(path + ": expected an object, got " + describe(value));
    }

    static String describe(JsonValue value) {
        return switch (value) {
            case null -> "null (or missing)";
            case JsonValue.Null n -> "null (or missing)";
            case JsonValue.Str s -> "string \"" + s.value() + "\"";
            case JsonValue.Obj o -> "an object";
            case JsonValue.Arr a -> "an array";
            default -> Json.text(value);
        };
    }
}
