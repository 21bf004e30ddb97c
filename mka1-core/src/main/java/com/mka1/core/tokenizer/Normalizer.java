package com.mka1.core.tokenizer;

import java.util.List;
import java.util.Locale;

/** The normalizers of tokenizer.json this implementation supports; each keeps the alignment to the input. */
sealed interface Normalizer {

    AlignedText apply(AlignedText input);

    /** {@code Prepend}: puts {@code prefix} before non-empty text (SentencePiece's "▁"). */
    record Prepend(String prefix) implements Normalizer {
        @Override
        public AlignedText apply(AlignedText input) {
            if (input.isEmpty()) {
                return input;
            }
            return new AlignedText.Builder()
                    .append(prefix, input.start()[0], input.end()[0])
                    .append(input, 0, input.length())
                    .build();
        }
    }

    /** {@code Replace} with a literal string pattern. */
    record Replace(String pattern, String content) implements Normalizer {
        @Override
        public AlignedText apply(AlignedText input) {
            String text = input.text();
            AlignedText.Builder out = new AlignedText.Builder();
            int i = 0;
            for (int hit = text.indexOf(pattern); hit >= 0 && !pattern.isEmpty(); hit = text.indexOf(pattern, i)) {
                out.append(input, i, hit);
                out.append(content, input.start()[hit], input.end()[hit + pattern.length() - 1]);
                i = hit + pattern.length();
            }
            return out.append(input, i, text.length()).build();
        }
    }

    /**
     * {@code NFC}, {@code NFD}, {@code NFKC}, {@code NFKD}: applied per cluster (a character and the
     * combining marks after it), so each output character keeps its cluster's span.
     */
    record Unicode(java.text.Normalizer.Form form) implements Normalizer {
        @Override
        public AlignedText apply(AlignedText input) {
            String text = input.text();
            if (java.text.Normalizer.isNormalized(text, form)) {
                return input;
            }
            AlignedText.Builder out = new AlignedText.Builder();
            int i = 0;
            while (i < text.length()) {
                int j = i + Character.charCount(text.codePointAt(i));
                while (j < text.length() && isCombining(text.codePointAt(j))) {
                    j += Character.charCount(text.codePointAt(j));
                }
                String cluster = java.text.Normalizer.normalize(text.substring(i, j), form);
                out.append(cluster, input.start()[i], input.end()[j - 1]);
                i = j;
            }
            return out.build();
        }

        private static boolean isCombining(int codePoint) {
            int type = Character.getType(codePoint);
            return type == Character.NON_SPACING_MARK
                    || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK;
        }
    }

    /** {@code Lowercase}: Unicode lower case, code point by code point. */
    record Lowercase() implements Normalizer {
        @Override
        public AlignedText apply(AlignedText input) {
            String text = input.text();
            AlignedText.Builder out = new AlignedText.Builder();
            for (int i = 0; i < text.length(); ) {
                int n = Character.charCount(text.codePointAt(i));
                out.append(text.substring(i, i + n).toLowerCase(Locale.ROOT), input.start()[i], input.end()[i + n - 1]);
                i += n;
            }
            return out.build();
        }
    }

    /** {@code Sequence}: each normalizer in turn. */
    record Sequence(List<Normalizer> normalizers) implements Normalizer {
        @Override
        public AlignedText apply(AlignedText input) {
            AlignedText text = input;
            for (Normalizer n : normalizers) {
                text = n.apply(text);
            }
            return text;
        }
    }
}
