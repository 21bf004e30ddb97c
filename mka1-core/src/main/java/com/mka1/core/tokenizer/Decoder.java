package com.mka1.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoders of tokenizer.json this implementation supports. As in the Rust library each maps the
 * list of token strings to a new list; the result is joined at the end.
 */
sealed interface Decoder {

    List<String> decode(List<String> tokens);

    /** {@code Replace} with a literal pattern, in every token ("▁" back to " "). */
    record Replace(String pattern, String content) implements Decoder {
        @Override
        public List<String> decode(List<String> tokens) {
            return tokens.stream().map(t -> t.replace(pattern, content)).toList();
        }
    }

    /**
     * {@code ByteFallback}: runs of "&lt;0xXX&gt;" tokens become their UTF-8 text, or one U+FFFD per
     * byte if invalid. {@code bytesReplace} (may be null) is the Replace that preceded it in the
     * chain, applied to the decoded bytes as well: SentencePiece turns bytes into text before it
     * unescapes "▁", which matters for vocabularies that spell "▁" in bytes (stories260k's).
     */
    record ByteFallback(Replace bytesReplace) implements Decoder {
        @Override
        public List<String> decode(List<String> tokens) {
            List<String> out = new ArrayList<>();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (String t : tokens) {
                int b = byteToken(t);
                if (b >= 0) {
                    bytes.write(b);
                    continue;
                }
                flush(bytes, out);
                out.add(t);
            }
            flush(bytes, out);
            return out;
        }

        private void flush(ByteArrayOutputStream bytes, List<String> out) {
            int before = out.size();
            flushBytes(bytes, out);
            if (bytesReplace != null && out.size() > before) {
                out.set(before, out.get(before).replace(bytesReplace.pattern(), bytesReplace.content()));
            }
        }

        /** The byte of a "&lt;0xXX&gt;" token, or -1 for any other token. */
        static int byteToken(String t) {
            if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') {
                return -1;
            }
            try {
                return Integer.parseInt(t.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private static void flushBytes(ByteArrayOutputStream bytes, List<String> out) {
            if (bytes.size() == 0) {
                return;
            }
            try {
                out.add(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes.toByteArray()))
                        .toString());
            } catch (CharacterCodingException e) {
                for (int i = 0; i < bytes.size(); i++) {
                    out.add("\uFFFD");
                }
            }
            bytes.reset();
        }
    }

    /** {@code Fuse}: all tokens joined into one. */
    record Fuse() implements Decoder {
        @Override
        public List<String> decode(List<String> tokens) {
            return List.of(String.join("", tokens));
        }
    }

    /** {@code Strip}: removes up to {@code start} leading and {@code stop} trailing {@code content} characters of each token. */
    record Strip(char content, int start, int stop) implements Decoder {
        @Override
        public List<String> decode(List<String> tokens) {
            return tokens.stream().map(this::strip).toList();
        }

        private String strip(String t) {
            int from = 0;
            while (from < start && from < t.length() && t.charAt(from) == content) {
                from++;
            }
            int to = t.length();
            while (t.length() - to < stop && to > from && t.charAt(to - 1) == content) {
                to--;
            }
            return t.substring(from, to);
        }
    }

    /** {@code ByteLevel}: table characters back to bytes, the whole output decoded as UTF-8 (invalid bytes as U+FFFD). */
    record ByteLevel() implements Decoder {
        @Override
        public List<String> decode(List<String> tokens) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (String t : tokens) {
                ByteLevelAlphabet.decodeInto(t, bytes);
            }
            return List.of(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    /** {@code Metaspace}: {@code replacement} back to spaces, and the first token's leading space dropped when one was prepended. */
    record Metaspace(char replacement, boolean prepended) implements Decoder {
        @Override
        public List<String> decode(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i).replace(replacement, ' ');
                if (i == 0 && prepended && t.startsWith(" ")) {
                    t = t.substring(1);
                }
                out.add(t);
            }
            return out;
        }
    }

    /** {@code Sequence}: each decoder in turn. */
    record Sequence(List<Decoder> decoders) implements Decoder {
        @Override
        public List<String> decode(List<String> tokens) {
            List<String> current = tokens;
            for (Decoder d : decoders) {
                current = d.decode(current);
            }
            return current;
        }
    }
}
