package com.mka1.server.cli;

import com.mka1.api.JsonValue;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * For assertions on answers: a JSON object read by the command line's {@link JsonText} (the
 * engine's one JSON tree) and shown as plain maps, lists, strings, numbers (Integer, Long or
 * BigInteger for whole numbers, Double otherwise), booleans and nulls.
 */
public final class PlainJson {
    private PlainJson() {}

    /** The object in {@code text}; {@link CliException} names {@code what} when it is not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String what) {
        return (Map<String, Object>) plain(JsonText.parseObject(text, what));
    }

    private static Object plain(JsonValue value) {
        return switch (value) {
            case JsonValue.Null n -> null;
            case JsonValue.Str s -> s.value();
            case JsonValue.Bool b -> b.value();
            case JsonValue.Num n -> number(n.value());
            case JsonValue.Arr a -> a.items().stream().map(PlainJson::plain).collect(Collectors.toList());
            case JsonValue.Obj o -> {
                Map<String, Object> map = new LinkedHashMap<>();
                o.fields().forEach((k, v) -> map.put(k, plain(v)));
                yield map;
            }
        };
    }

    private static Object number(BigDecimal n) {
        if (n.scale() != 0) return n.doubleValue();
        if (n.unscaledValue().bitLength() < 32) return n.intValueExact();
        if (n.unscaledValue().bitLength() < 64) return n.longValueExact();
        return n.toBigIntegerExact();
    }
}
