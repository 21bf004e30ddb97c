package com.mka1.core.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON document into plain values (Map, List, String, Long, Double, Boolean, null) with
 * jackson-core's streaming parser; tokenizer files are small enough to hold as a tree.
 */
final class JsonTree {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree() {}

    static JsonObject readObject(Path file) {
        try (InputStream in = Files.newInputStream(file); JsonParser parser = FACTORY.createParser(in)) {
            return asObject(read(parser, file.getFileName().toString()), file.getFileName().toString());
        } catch (IOException e) {
            throw new TokenizerFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static JsonObject parseObject(String json, String name) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return asObject(read(parser, name), name);
        } catch (IOException e) {
            throw new TokenizerFormatException("cannot parse " + name + ": " + e.getMessage(), e);
        }
    }

    private static Object read(JsonParser parser, String name) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new TokenizerFormatException(name + " is empty");
        }
        return value(parser, first);
    }

    private static JsonObject asObject(Object value, String name) {
        if (!(value instanceof Map<?, ?>)) {
            throw new TokenizerFormatException(name + ": expected a JSON object at the top level");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return new JsonObject(map, name);
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    map.put(key, value(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(value(parser, t));
                }
                yield list;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new TokenizerFormatException("unexpected JSON token " + token);
        };
    }
}
