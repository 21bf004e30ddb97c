package com.mka1.core.inference.constrained;

import java.util.Arrays;

/** An immutable set of byte values (0..255), as four 64-bit words. */
public final class ByteSet {
    private final long[] words;

    private ByteSet(long[] words) {
        this.words = words;
    }

    /** The bytes {@code from..to}, both included. */
    public static ByteSet range(int from, int to) {
        long[] w = new long[4];
        for (int b = from; b <= to; b++) {
            w[b >>> 6] |= 1L << (b & 63);
        }
        return new ByteSet(w);
    }

    /** The bytes of the given ASCII characters. */
    public static ByteSet of(String asciiChars) {
        long[] w = new long[4];
        for (int i = 0; i < asciiChars.length(); i++) {
            int b = asciiChars.charAt(i);
            if (b > 127) {
                throw new IllegalArgumentException("not ASCII: " + asciiChars);
            }
            w[b >>> 6] |= 1L << (b & 63);
        }
        return new ByteSet(w);
    }

    public ByteSet union(ByteSet other) {
        long[] w = words.clone();
        for (int i = 0; i < 4; i++) {
            w[i] |= other.words[i];
        }
        return new ByteSet(w);
    }

    public ByteSet minus(ByteSet other) {
        long[] w = words.clone();
        for (int i = 0; i < 4; i++) {
            w[i] &= ~other.words[i];
        }
        return new ByteSet(w);
    }

    /** Whether the unsigned byte value {@code b} is in the set. */
    public boolean contains(int b) {
        return (words[b >>> 6] & (1L << (b & 63))) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteSet s && Arrays.equals(words, s.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }
}
