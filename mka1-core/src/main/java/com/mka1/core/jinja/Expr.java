package com.mka1.core.jinja;

import java.util.List;

/** Expression nodes of a parsed template. */
sealed interface Expr {
    record Literal(Object value) implements Expr {}

    record Name(String name) implements Expr {}

    record ListLiteral(List<Expr> items) implements Expr {}

    record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr {}

    /** {@code obj.name}. */
    record Attribute(Expr object, String name) implements Expr {}

    /** {@code obj[key]}. */
    record Item(Expr object, Expr key) implements Expr {}

    /** {@code obj[start:stop:step]}; absent parts are null. */
    record Slice(Expr object, Expr start, Expr stop, Expr step) implements Expr {}

    record Call(Expr callee, Args args) implements Expr {}

    /** {@code value | name(args)}. */
    record Filter(Expr value, String name, Args args) implements Expr {}

    /** {@code value is [not] name(args)}. */
    record Test(Expr value, String name, Args args, boolean negated) implements Expr {}

    /** Arithmetic, comparison, {@code in}, {@code not in} and {@code ~}. */
    record Binary(String op, Expr left, Expr right) implements Expr {}

    record And(Expr left, Expr right) implements Expr {}

    record Or(Expr left, Expr right) implements Expr {}

    record Not(Expr operand) implements Expr {}

    record Negate(Expr operand) implements Expr {}

    /** {@code then if test else otherwise}; otherwise null gives undefined. */
    record Conditional(Expr test, Expr then, Expr otherwise) implements Expr {}

    /** Positional and keyword arguments of a call, filter or test. */
    record Args(List<Expr> positional, List<String> names, List<Expr> named) {
        static final Args NONE = new Args(List.of(), List.of(), List.of());
    }
}
