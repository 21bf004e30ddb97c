package com.mka1.core.tokenizer;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pre-tokenizers of tokenizer.json this implementation supports: they cut text into words for BPE. */
sealed interface PreTokenizer {

    /** GPT-2's split regex, as the ByteLevel pre-tokenizer uses it when {@code use_regex} is true. */
    Pattern GPT2_PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** Splits {@code piece} and adds the resulting non-empty pieces to {@code out}. */
    void split(AlignedText piece, List<AlignedText> out);

    /** Compiles a tokenizer.json regex the way the Rust (Oniguruma) engine reads it: Unicode-aware \s, \w, \d. */
    static Pattern compileRegex(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    /**
     * {@code ByteLevel}: optionally a leading space, optionally the GPT-2 regex split, then each byte
     * mapped to its {@link ByteLevelAlphabet} character.
     */
    record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
        @Override
        public void split(AlignedText piece, List<AlignedText> out) {
            AlignedText text = piece;
            if (addPrefixSpace && !piece.isEmpty() && piece.text().charAt(0) != ' ') {
                text = new AlignedText.Builder()
                        .append(" ", piece.start()[0], piece.start()[0])
                        .append(piece, 0, piece.length())
                        .build();
            }
            if (!useRegex) {
                if (!text.isEmpty()) {
                    out.add(ByteLevelAlphabet.encode(text));
                }
                return;
            }
            Matcher m = GPT2_PATTERN.matcher(text.text());
            int last = 0;
            while (m.find()) {
                addNonEmpty(text, last, m.start(), out);
                addNonEmpty(text, m.start(), m.end(), out);
                last = m.end();
            }
            addNonEmpty(text, last, text.length(), out);
        }

        private static void addNonEmpty(AlignedText text, int from, int to, List<AlignedText> out) {
            if (to > from) {
                out.add(ByteLevelAlphabet.encode(text.slice(from, to)));
            }
        }
    }

    /** What {@link Split} does with each match of its pattern. */
    enum SplitBehavior { ISOLATED, REMOVED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT }

    /** {@code Split}: cuts at the matches of a regex or literal pattern (Llama 3 and Qwen2 use it). */
    record Split(Pattern pattern, SplitBehavior behavior) implements PreTokenizer {
        @Override
        public void split(AlignedText piece, List<AlignedText> out) {
            Matcher m = pattern.matcher(piece.text());
            int pieceStart = 0; // start of the piece being built (for the merge behaviors)
            int last = 0;
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue;
                }
                switch (behavior) {
                    case ISOLATED -> {
                        add(piece, last, m.start(), out);
                        add(piece, m.start(), m.end(), out);
                    }
                    case REMOVED -> add(piece, last, m.start(), out);
                    case MERGED_WITH_PREVIOUS -> add(piece, pieceStart, m.end(), out);
                    case MERGED_WITH_NEXT -> {
                        add(piece, pieceStart, m.start(), out);
                        pieceStart = m.start();
                        last = m.end();
                        continue;
                    }
                }
                last = m.end();
                pieceStart = last;
            }
            add(piece, behavior == SplitBehavior.MERGED_WITH_NEXT ? pieceStart : last, piece.length(), out);
        }

        private static void add(AlignedText text, int from, int to, List<AlignedText> out) {
            if (to > from) {
                out.add(text.slice(from, to));
            }
        }
    }

    /** {@code Digits}: numbers apart from the rest; each digit alone when {@code individualDigits}. */
    record Digits(boolean individualDigits) implements PreTokenizer {
        @Override
        public void split(AlignedText piece, List<AlignedText> out) {
            String text = piece.text();
            int from = 0;
            boolean inDigits = false;
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                int n = Character.charCount(cp);
                boolean digit = isNumeric(cp);
                if (i > from && (digit != inDigits || (digit && individualDigits))) {
                    out.add(piece.slice(from, i));
                    from = i;
                }
                inDigits = digit;
                i += n;
            }
            if (text.length() > from) {
                out.add(piece.slice(from, text.length()));
            }
        }

        /** Rust's {@code char::is_numeric}: general categories Nd, Nl and No. */
        private static boolean isNumeric(int cp) {
            int type = Character.getType(cp);
            return type == Character.DECIMAL_DIGIT_NUMBER
                    || type == Character.LETTER_NUMBER
                    || type == Character.OTHER_NUMBER;
        }
    }

    /**
     * {@code Metaspace}: spaces become {@code replacement} ("▁"), a replacement is prepended (always,
     * or only to the first piece of the input), and with {@code split} the text is cut before each
     * replacement character.
     */
    record Metaspace(char replacement, PrependScheme prependScheme, boolean splitWords) implements PreTokenizer {
        enum PrependScheme { ALWAYS, FIRST, NEVER }

        @Override
        public void split(AlignedText piece, List<AlignedText> out) {
            if (piece.isEmpty()) {
                return;
            }
            AlignedText.Builder b = new AlignedText.Builder();
            // "first" means the piece starts the input, as the Rust implementation decides it from offsets
            boolean first = piece.start()[0] == 0;
            boolean prepend = prependScheme == PrependScheme.ALWAYS || (prependScheme == PrependScheme.FIRST && first);
            char firstChar = piece.text().charAt(0);
            if (prepend && firstChar != replacement && firstChar != ' ') {
                b.append(String.valueOf(replacement), piece.start()[0], piece.start()[0]);
            }
            for (int i = 0; i < piece.length(); i++) {
                char c = piece.text().charAt(i);
                b.append(String.valueOf(c == ' ' ? replacement : c), piece.start()[i], piece.end()[i]);
            }
            AlignedText text = b.build();
            if (!splitWords) {
                if (!text.isEmpty()) {
                    out.add(text);
                }
                return;
            }
            int from = 0;
            for (int i = 1; i < text.length(); i++) {
                if (text.text().charAt(i) == replacement) {
                    out.add(text.slice(from, i));
                    from = i;
                }
            }
            if (text.length() > from) {
                out.add(text.slice(from, text.length()));
            }
        }
    }

    /** {@code Sequence}: each pre-tokenizer applied to every piece the previous one produced. */
    record Sequence(List<PreTokenizer> preTokenizers) implements PreTokenizer {
        @Override
        public void split(AlignedText piece, List<AlignedText> out) {
            List<AlignedText> pieces = List.of(piece);
            for (PreTokenizer p : preTokenizers) {
                List<AlignedText> next = new java.util.ArrayList<>();
                for (AlignedText current : pieces) {
                    p.split(current, next);
                }
                pieces = next;
            }
            out.addAll(pieces);
        }
    }
}
