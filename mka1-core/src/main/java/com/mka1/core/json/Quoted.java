package com.mka1.core.json;

/** Quotes a client's value in an error message: at most a short prefix, so an error never grows with the input. */
public final class Quoted {
    /** Characters of a value quoted before "…". */
    public static final int MAX_CHARS = 100;

    private Quoted() {}

    /** {@code 'value'}, or {@code 'first 100 characters…'} (N characters) for a longer one. */
    public static String prefix(String value) {
        if (value.length() <= MAX_CHARS) return "'" + value + "'";
        return "'" + value.substring(0, MAX_CHARS) + "…' (" + value.length() + " characters)";
    }
}
