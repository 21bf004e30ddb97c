package com.mka1.core.jinja;

/** A lexical token: template text, a tag delimiter or an expression token inside a tag. */
record Token(Kind kind, String value, int line) {
    enum Kind { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    boolean is(Kind k, String v) {
        return kind == k && value.equals(v);
    }

    boolean isOp(String v) {
        return is(Kind.OP, v);
    }

    boolean isName(String v) {
        return is(Kind.NAME, v);
    }
}
