package com.mka1.core.data;

/**
 * Counts tokens of a text for size checks and the trained-token estimate. The engine passes the
 * model's tokenizer; without one, {@link #APPROXIMATE} estimates one token per four characters.
 */
@FunctionalInterface
public interface TokenCounter {
    int count(String text);

    /** About one token per four characters (rounded up), the usual rule of thumb for English BPE. */
    TokenCounter APPROXIMATE = text -> (text.length() + 3) / 4;
}
