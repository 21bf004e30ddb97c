package com.mka1.core.inference.constrained;

import java.util.Map;

/**
 * JSON's lexical rules as grammar rules, shared by every schema: strings (escapes, valid UTF-8, no
 * lone surrogate escapes), integers and numbers, and any value, object or array. Output is compact
 * JSON: the only whitespace allowed is one space after {@code :} and {@code ,} and one before the
 * document, so a model cannot pad forever. Numbers have at most 16 integer and 16 fraction digits
 * and a 2-digit exponent (they stay representable as doubles, and within the engine parser's ±400 bound).
 */
public final class JsonGrammar {
    public static final String STRING = "json.string";
    public static final String CHAR = "json.char";
    public static final String INTEGER = "json.integer";
    public static final String NUMBER = "json.number";
    public static final String VALUE = "json.value";
    public static final String OBJECT = "json.object";
    public static final String ARRAY = "json.array";

    /** One optional space (after {@code :} and {@code ,}). */
    public static final Expr SPACE = Expr.optional(Expr.literal(" "));

    private static final int MAX_DIGITS = 16;

    private JsonGrammar() {}

    /** Adds the shared rules to {@code rules}. */
    public static void addRules(Map<String, Expr> rules) {
        ByteSet hex = ByteSet.range('0', '9').union(ByteSet.range('a', 'f')).union(ByteSet.range('A', 'F'));
        ByteSet cont = ByteSet.range(0x80, 0xBF);
        Expr unicodeEscape = Expr.seq(Expr.literal("u"), Expr.alt(
                Expr.seq(Expr.bytes(hex.minus(ByteSet.of("dD"))), Expr.bytes(hex), Expr.bytes(hex), Expr.bytes(hex)),
                // \\uD800..\\uDFFF alone is no character; pairs are not needed since raw UTF-8 is allowed
                Expr.seq(Expr.bytes(ByteSet.of("dD")), Expr.bytes(ByteSet.range('0', '7')), Expr.bytes(hex), Expr.bytes(hex))));
        Expr utf8 = Expr.alt(
                Expr.seq(Expr.bytes(ByteSet.range(0xC2, 0xDF)), Expr.bytes(cont)),
                Expr.seq(Expr.bytes(ByteSet.range(0xE0, 0xE0)), Expr.bytes(ByteSet.range(0xA0, 0xBF)), Expr.bytes(cont)),
                Expr.seq(Expr.bytes(ByteSet.range(0xE1, 0xEC).union(ByteSet.range(0xEE, 0xEF))), Expr.bytes(cont), Expr.bytes(cont)),
                Expr.seq(Expr.bytes(ByteSet.range(0xED, 0xED)), Expr.bytes(ByteSet.range(0x80, 0x9F)), Expr.bytes(cont)),
                Expr.seq(Expr.bytes(ByteSet.range(0xF0, 0xF0)), Expr.bytes(ByteSet.range(0x90, 0xBF)), Expr.bytes(cont), Expr.bytes(cont)),
                Expr.seq(Expr.bytes(ByteSet.range(0xF1, 0xF3)), Expr.bytes(cont), Expr.bytes(cont), Expr.bytes(cont)),
                Expr.seq(Expr.bytes(ByteSet.range(0xF4, 0xF4)), Expr.bytes(ByteSet.range(0x80, 0x8F)), Expr.bytes(cont), Expr.bytes(cont)));
        rules.put(CHAR, Expr.alt(
                Expr.bytes(ByteSet.range(0x20, 0x7F).minus(ByteSet.of("\"\\"))),
                utf8,
                Expr.seq(Expr.literal("\\"), Expr.alt(Expr.bytes(ByteSet.of("\"\\/bfnrt")), unicodeEscape))));
        rules.put(STRING, Expr.seq(Expr.literal("\""), Expr.star(Expr.ref(CHAR)), Expr.literal("\"")));

        Expr digit = Expr.bytes(ByteSet.range('0', '9'));
        Expr natural = Expr.alt(Expr.literal("0"),
                Expr.seq(Expr.bytes(ByteSet.range('1', '9')), new Expr.Repeat(digit, 0, MAX_DIGITS - 1)));
        rules.put(INTEGER, Expr.seq(Expr.optional(Expr.literal("-")), natural));
        rules.put(NUMBER, Expr.seq(Expr.ref(INTEGER),
                Expr.optional(Expr.seq(Expr.literal("."), new Expr.Repeat(digit, 1, MAX_DIGITS))),
                Expr.optional(Expr.seq(Expr.bytes(ByteSet.of("eE")), Expr.optional(Expr.bytes(ByteSet.of("+-"))),
                        new Expr.Repeat(digit, 1, 2))))); // within the exponent bound every JSON parser here accepts (±400)

        rules.put(VALUE, Expr.alt(Expr.ref(OBJECT), Expr.ref(ARRAY), Expr.ref(STRING), Expr.ref(NUMBER),
                Expr.literal("true"), Expr.literal("false"), Expr.literal("null")));
        rules.put(OBJECT, object(Expr.ref(STRING), Expr.ref(VALUE)));
        rules.put(ARRAY, list("[", Expr.ref(VALUE), "]", 0, -1));
    }

    /** An object whose keys match {@code key} and values {@code value}, any number of members. */
    public static Expr object(Expr key, Expr value) {
        return list("{", Expr.seq(key, Expr.literal(":"), SPACE, value), "}", 0, -1);
    }

    /** {@code open item (, item)* close} with {@code min..max} items ({@code max} -1: unbounded). */
    public static Expr list(String open, Expr item, String close, int min, int max) {
        if (max == 0) {
            return Expr.literal(open + close);
        }
        Expr more = new Expr.Repeat(Expr.seq(Expr.literal(","), SPACE, item), Math.max(0, min - 1), max < 0 ? -1 : max - 1);
        Expr items = Expr.seq(item, more);
        return Expr.seq(Expr.literal(open), min == 0 ? Expr.optional(items) : items, Expr.literal(close));
    }

    /** A whole document: one optional leading space, then {@code body}. */
    public static Expr document(Expr body) {
        return Expr.seq(SPACE, body);
    }
}
