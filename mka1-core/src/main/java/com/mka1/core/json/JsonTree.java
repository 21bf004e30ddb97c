package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON document into plain Java values (LinkedHashMap, ArrayList, String, Long, Double,
 * Boolean, null) and offers typed field access that names the field on a type mismatch. Request
 * bodies are small, so a tree keeps each codec a straight list of field reads.
 */
@Deprecated(forRemoval = true) // interim helper until every caller uses Json and FieldReader
public final class JsonTree {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonTree() {}

    /** Parses a whole document; JsonFieldException when it is not valid JSON. */
    public static Object parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new JsonFieldException(null, "empty JSON document");
            }
            Object value = read(p);
            if (p.nextToken() != null) {
                throw new JsonFieldException(null, "trailing content after the JSON value");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new JsonFieldException(null, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new JsonFieldException(null, "unreadable JSON: " + e.getMessage());
        }
    }

    /** Parses a document that must be an object. */
    public static Map<String, Object> parseObject(String json) {
        return asObject(null, parse(json));
    }

    private static Object read(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, read(p));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonFieldException(null, "unexpected token " + p.currentToken());
        };
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(String field, Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new JsonFieldException(field, "must be an object");
    }

    @SuppressWarnings("unchecked")
    public static List<Object> asArray(String field, Object value) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new JsonFieldException(field, "must be an array");
    }

    public static String string(Map<String, Object> obj, String field) {
        Object v = obj.get(field);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new JsonFieldException(field, "must be a string");
    }

    public static String requiredString(Map<String, Object> obj, String field) {
        String v = string(obj, field);
        if (v == null) {
            throw new JsonFieldException(field, "is required");
        }
        return v;
    }

    public static Long integer(Map<String, Object> obj, String field) {
        Object v = obj.get(field);
        if (v == null || v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return d.longValue();
        }
        throw new JsonFieldException(field, "must be an integer");
    }

    public static Integer int32(Map<String, Object> obj, String field) {
        Long v = integer(obj, field);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new JsonFieldException(field, "is out of range");
        }
        return v.intValue();
    }

    public static Double number(Map<String, Object> obj, String field) {
        Object v = obj.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new JsonFieldException(field, "must be a number");
    }

    public static Boolean bool(Map<String, Object> obj, String field) {
        Object v = obj.get(field);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw new JsonFieldException(field, "must be a boolean");
    }

    /** A string-to-string object such as {@code metadata}; null when absent. */
    public static Map<String, String> stringMap(Map<String, Object> obj, String field) {
        Object v = obj.get(field);
        if (v == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : asObject(field, v).entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new JsonFieldException(field + "." + e.getKey(), "must be a string");
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    /** A field holding one string or a list of strings (such as {@code stop}); null when absent. */
    public static List<String> stringOrStrings(Map<String, Object> obj, String field) {
        Object v = obj.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        List<Object> items = asArray(field, v);
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String s)) {
                throw new JsonFieldException(field + "[" + i + "]", "must be a string");
            }
            out.add(s);
        }
        return out;
    }
}
