package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.mka1.api.JsonValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry points: parse text into a {@link JsonValue} tree, and write values with a codec.
 * Numbers are bounded at parse time ({@value #MAX_NUMBER_CHARS} characters, a decimal exponent
 * within ±{@value #MAX_EXPONENT}): a tiny body must not cost a huge number's work, and whatever
 * is parsed can be written and parsed back (nothing stored is unreadable).
 */
public final class Json {
    /** Longest number literal accepted. */
    public static final int MAX_NUMBER_CHARS = 100;
    /** Largest decimal exponent (either sign) accepted: beyond a double's range, so no setting loses to it. */
    public static final int MAX_EXPONENT = 400;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200)
                    .maxNumberLength(MAX_NUMBER_CHARS).build())
            .build();

    private Json() {}

    /** The shared (immutable, thread-safe) factory, for callers that stream themselves. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /** Parses one JSON value; trailing content is malformed. */
    public static JsonValue parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            return parseWhole(p);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses one JSON value from UTF-8 bytes. */
    public static JsonValue parse(byte[] utf8) {
        try (JsonParser p = FACTORY.createParser(utf8)) {
            return parseWhole(p);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses one JSON value from a stream (not closed). */
    public static JsonValue parse(InputStream in) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            return parseWhole(p);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    /**
     * Parses a file whose layout other tools define (a model config, a safetensors header, a
     * tokenizer) and whose top level must be an object. Malformed JSON is an
     * {@link IllegalArgumentException} whose message names {@code source}.
     */
    public static JsonValue.Obj parseObject(byte[] utf8, String source) {
        JsonValue value;
        try {
            value = utf8.length == 0 ? null : parse(utf8);
        } catch (MalformedJsonException e) {
            throw new IllegalArgumentException(source + ": malformed JSON: " + e.getMessage(), e);
        }
        if (value == null) throw new IllegalArgumentException(source + ": empty JSON");
        if (value instanceof JsonValue.Obj o) return o;
        throw new IllegalArgumentException(source + ": top level must be a JSON object");
    }

    /** The field {@code name} of {@code object}, with JSON {@code null} read as absent (Java null). */
    public static JsonValue field(JsonValue.Obj object, String name) {
        JsonValue v = object.get(name);
        return v == JsonValue.Null.INSTANCE ? null : v;
    }

    /** The value as a long when it is a whole number written without a fraction or exponent, else null. */
    public static Long integerOrNull(JsonValue value) {
        if (value instanceof JsonValue.Num(BigDecimal n) && n.scale() == 0) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        return null;
    }

    /** A number as the double closest to it; {@link JsonValue.Num#of(double)}'s inverse. */
    public static Double numberOrNull(JsonValue value) {
        return value instanceof JsonValue.Num(BigDecimal n) ? n.doubleValue() : null;
    }

    /** A double as a JSON number in Java's own decimal form (16.0 stays "16.0"), for files other tools compare. */
    public static JsonValue.Num number(double value) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException("JSON numbers must be finite: " + value);
        return new JsonValue.Num(new BigDecimal(Double.toString(value)));
    }

    /** A value for messages: a string bare, a number in plain digits, null (or absent) as "null", anything else as JSON. */
    public static String text(JsonValue value) {
        return switch (value) {
            case null -> "null";
            case JsonValue.Str s -> s.value();
            case JsonValue.Num n -> n.value().toPlainString();
            default -> write(VALUE, value);
        };
    }

    /** Reads a value with a codec from JSON text. */
    public static <T> T read(JsonCodec<T> codec, String text) {
        return codec.read(parse(text));
    }

    /** Writes a value as compact JSON text. */
    public static <T> String write(JsonCodec<T> codec, T value) {
        return new String(writeBytes(codec, value), StandardCharsets.UTF_8);
    }

    /** Writes a value as compact UTF-8 JSON. */
    public static <T> byte[] writeBytes(JsonCodec<T> codec, T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            write(codec, value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array never fails
        }
        return out.toByteArray();
    }

    /** Writes a value as compact UTF-8 JSON to a stream (not closed). */
    public static <T> void write(JsonCodec<T> codec, T value, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            codec.write(g, value);
        }
    }

    /** The body of a document written field by field (a file whose layout other tools define). */
    @FunctionalInterface
    public interface DocumentBody {
        void write(JsonGenerator g) throws IOException;
    }

    /** Writes one free-form JSON document with a generator; {@code pretty} indents it for people to read. */
    public static String writeDocument(boolean pretty, DocumentBody body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) g.useDefaultPrettyPrinter();
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes a tree value. */
    public static void writeValue(JsonGenerator g, JsonValue value) throws IOException {
        switch (value) {
            case JsonValue.Null n -> g.writeNull();
            case JsonValue.Str s -> g.writeString(s.value());
            case JsonValue.Num n -> g.writeNumber(n.value().toPlainString()); // never exponent notation
            case JsonValue.Bool b -> g.writeBoolean(b.value());
            case JsonValue.Arr a -> {
                g.writeStartArray();
                for (JsonValue item : a.items()) writeValue(g, item);
                g.writeEndArray();
            }
            case JsonValue.Obj o -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonValue> e : o.fields().entrySet()) {
                    g.writeFieldName(e.getKey());
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
        }
    }

    /** The codec for free-form values. */
    public static final JsonCodec<JsonValue> VALUE = new JsonCodec<>() {
        @Override
        public void write(JsonGenerator out, JsonValue value) throws IOException {
            writeValue(out, value);
        }

        @Override
        public JsonValue read(JsonValue json) {
            return json;
        }
    };

    private static JsonValue parseWhole(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) throw new MalformedJsonException("empty input: expected a JSON value", null);
        JsonValue v = readValue(p, first);
        if (p.nextToken() != null) {
            throw new MalformedJsonException("unexpected content after the JSON value at line "
                    + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr(), null);
        }
        return v;
    }

    private static JsonValue readValue(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, JsonValue> fields = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    fields.put(name, readValue(p, p.nextToken()));
                }
                yield new JsonValue.Obj(fields);
            }
            case START_ARRAY -> {
                List<JsonValue> items = new ArrayList<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_ARRAY; k = p.nextToken()) {
                    items.add(readValue(p, k));
                }
                yield new JsonValue.Arr(items);
            }
            case VALUE_STRING -> new JsonValue.Str(p.getText());
            case VALUE_NUMBER_INT -> new JsonValue.Num(new BigDecimal(p.getBigIntegerValue()));
            case VALUE_NUMBER_FLOAT -> new JsonValue.Num(boundedDecimal(p));
            case VALUE_TRUE -> new JsonValue.Bool(true);
            case VALUE_FALSE -> new JsonValue.Bool(false);
            case VALUE_NULL -> JsonValue.Null.INSTANCE;
            default -> throw new MalformedJsonException("unexpected token " + t, null);
        };
    }

    /** The number, refused (before any arithmetic) when its plain form would run past the exponent bound. */
    private static BigDecimal boundedDecimal(JsonParser p) throws IOException {
        String text = p.getText();
        int e = Math.max(text.indexOf('e'), text.indexOf('E'));
        if (e >= 0) {
            String digits = text.substring(e + 1).replace("+", "").replace("-", "");
            if (digits.length() > 4 || Integer.parseInt(digits) > MAX_EXPONENT) {
                throw new MalformedJsonException("number out of range: " + Quoted.prefix(text) + " (the exponent must be within ±"
                        + MAX_EXPONENT + ") at line " + p.currentLocation().getLineNr() + ", column "
                        + p.currentLocation().getColumnNr(), null);
            }
        }
        return p.getDecimalValue();
    }

    private static MalformedJsonException malformed(JsonProcessingException e) {
        var loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String message = e.getOriginalMessage();
        int marker = message.indexOf(" (start marker at");
        if (marker >= 0) message = message.substring(0, marker); // jackson's own location is noise next to ours
        return new MalformedJsonException(message.strip() + where, e);
    }
}
