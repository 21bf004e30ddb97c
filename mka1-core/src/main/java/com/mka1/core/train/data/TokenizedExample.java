package com.mka1.core.train.data;

/**
 * One training example as token ids with its loss mask: {@code trainable[i]} says token {@code i}
 * is assistant output to learn (it is predicted at position {@code i - 1}).
 *
 * @param line 1-based line of the example in its file (for messages)
 */
public record TokenizedExample(int[] ids, boolean[] trainable, int line) {
    public TokenizedExample {
        if (ids.length != trainable.length) {
            throw new IllegalArgumentException("line " + line + ": ids and trainable differ in length");
        }
        if (ids.length == 0) {
            throw new IllegalArgumentException("line " + line + ": empty example");
        }
    }

    public int length() {
        return ids.length;
    }

    /** Tokens that carry a loss: trainable tokens after the first (the first is never predicted). */
    public int trainedTokens() {
        int c = 0;
        for (int i = 1; i < trainable.length; i++) if (trainable[i]) c++;
        return c;
    }

    /** The next-token target of position {@code i}: {@code ids[i+1]} when trainable, else -1. */
    public int targetAt(int i) {
        return i + 1 < ids.length && trainable[i + 1] ? ids[i + 1] : -1;
    }
}
