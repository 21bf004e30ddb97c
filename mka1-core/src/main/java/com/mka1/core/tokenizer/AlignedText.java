package com.mka1.core.tokenizer;

import java.util.Arrays;

/**
 * Text being normalized or pre-tokenized, with each UTF-16 unit's span {@code [start, end)} in the
 * original input, so every token can say which input characters it came from (the chat loss mask
 * needs this).
 */
record AlignedText(String text, int[] start, int[] end) {

    /** The slice {@code [from, to)} of {@code original}, aligned to itself. */
    static AlignedText of(String original, int from, int to) {
        int n = to - from;
        int[] start = new int[n];
        int[] end = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = from + i;
            end[i] = from + i + 1;
        }
        return new AlignedText(original.substring(from, to), start, end);
    }

    int length() {
        return text.length();
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    AlignedText slice(int from, int to) {
        return new AlignedText(text.substring(from, to), Arrays.copyOfRange(start, from, to), Arrays.copyOfRange(end, from, to));
    }

    /** Builds aligned text piece by piece; each appended piece maps to one original span. */
    static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private int[] start = new int[16];
        private int[] end = new int[16];

        Builder append(CharSequence piece, int originalStart, int originalEnd) {
            ensureCapacity(text.length() + piece.length());
            Arrays.fill(start, text.length(), text.length() + piece.length(), originalStart);
            Arrays.fill(end, text.length(), text.length() + piece.length(), originalEnd);
            text.append(piece);
            return this;
        }

        /** Appends units {@code [from, to)} of {@code source} keeping their own spans. */
        Builder append(AlignedText source, int from, int to) {
            ensureCapacity(text.length() + to - from);
            System.arraycopy(source.start, from, start, text.length(), to - from);
            System.arraycopy(source.end, from, end, text.length(), to - from);
            text.append(source.text, from, to);
            return this;
        }

        private void ensureCapacity(int needed) {
            if (needed > start.length) {
                int capacity = Math.max(needed, start.length * 2);
                start = Arrays.copyOf(start, capacity);
                end = Arrays.copyOf(end, capacity);
            }
        }

        int length() {
            return text.length();
        }

        AlignedText build() {
            int n = text.length();
            return new AlignedText(text.toString(), Arrays.copyOf(start, n), Arrays.copyOf(end, n));
        }
    }
}
