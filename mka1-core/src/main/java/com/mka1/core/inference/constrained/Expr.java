package com.mka1.core.inference.constrained;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A grammar expression over bytes: the building blocks of a {@link Grammar}'s rules. A schema
 * compiles to these; a tool-call parser can compose its own (a literal name, then a schema's
 * grammar for the arguments) with the factories below.
 */
public sealed interface Expr {
    /** One byte from a set. */
    record Bytes(ByteSet set) implements Expr {
        public Bytes {
            Objects.requireNonNull(set, "set");
        }
    }

    /** Exactly these bytes (the UTF-8 of a text). */
    record Literal(String text) implements Expr {
        public Literal {
            Objects.requireNonNull(text, "text");
        }

        byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Each item in turn. */
    record Seq(List<Expr> items) implements Expr {
        public Seq {
            items = List.copyOf(items);
        }
    }

    /** Any one of the options. */
    record Alt(List<Expr> options) implements Expr {
        public Alt {
            options = List.copyOf(options);
            if (options.isEmpty()) {
                throw new IllegalArgumentException("an alternative needs at least one option");
            }
        }
    }

    /** {@code item} repeated {@code min} to {@code max} times ({@code max} -1: unbounded). */
    record Repeat(Expr item, int min, int max) implements Expr {
        public Repeat {
            Objects.requireNonNull(item, "item");
            if (min < 0 || (max >= 0 && max < min)) {
                throw new IllegalArgumentException("bad repeat bounds " + min + ".." + max);
            }
        }
    }

    /** The rule of that name (rules may refer to each other recursively). */
    record Ref(String rule) implements Expr {
        public Ref {
            Objects.requireNonNull(rule, "rule");
        }
    }

    /** The empty sequence. */
    Expr EMPTY = new Seq(List.of());

    static Expr literal(String text) {
        return new Literal(text);
    }

    static Expr bytes(ByteSet set) {
        return new Bytes(set);
    }

    static Expr seq(Expr... items) {
        return new Seq(List.of(items));
    }

    static Expr alt(Expr... options) {
        return options.length == 1 ? options[0] : new Alt(List.of(options));
    }

    static Expr alt(List<Expr> options) {
        return options.size() == 1 ? options.getFirst() : new Alt(options);
    }

    static Expr optional(Expr item) {
        return new Repeat(item, 0, 1);
    }

    static Expr star(Expr item) {
        return new Repeat(item, 0, -1);
    }

    static Expr ref(String rule) {
        return new Ref(rule);
    }
}
