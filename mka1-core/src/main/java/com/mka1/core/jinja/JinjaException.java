package com.mka1.core.jinja;

/**
 * A template failed: it does not parse ({@link Syntax}), it called {@code raise_exception}
 * ({@link Raised}, the template's own message), or evaluating it failed the way Python would
 * ({@link Runtime}, e.g. {@code None + "x"}).
 */
public abstract sealed class JinjaException extends RuntimeException {
    JinjaException(String message) {
        super(message);
    }

    /** The template text is not valid Jinja (or uses a construct this engine lacks). */
    public static final class Syntax extends JinjaException {
        Syntax(String message, int line) {
            super(message + " (template line " + line + ")");
        }
    }

    /** The template called {@code raise_exception(message)}. */
    public static final class Raised extends JinjaException {
        Raised(String message) {
            super(message);
        }
    }

    /** Evaluation failed: an undefined value used, a type error, a mutation the sandbox forbids. */
    public static final class Runtime extends JinjaException {
        Runtime(String message) {
            super(message);
        }
    }
}
