package com.mka1.core.inference.constrained;

/** A grammar that cannot drive decoding: an unknown rule, a rule with no finite match, left recursion. */
public final class GrammarException extends IllegalArgumentException {
    public GrammarException(String message) {
        super(message);
    }
}
