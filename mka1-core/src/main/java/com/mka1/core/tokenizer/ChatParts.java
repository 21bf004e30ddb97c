package com.mka1.core.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A conversation as the template lays it out: text and special tokens, each marked trainable or
 * not. Encoding joins each run of text into one string (as tokenizing the rendered template would)
 * and marks a token trainable when it covers any trainable character.
 */
final class ChatParts {
    private sealed interface Part permits Text, Token {}

    private record Text(String text, boolean trainable) implements Part {}

    private record Token(int id, String token, boolean trainable) implements Part {}

    private final List<Part> parts = new ArrayList<>();

    ChatParts text(String text, boolean trainable) {
        if (!text.isEmpty()) {
            parts.add(new Text(text, trainable));
        }
        return this;
    }

    ChatParts token(int id, String token, boolean trainable) {
        parts.add(new Token(id, token, trainable));
        return this;
    }

    /** The rendered text, special tokens written as their token strings. */
    String renderedText() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            sb.append(switch (p) {
                case Text t -> t.text();
                case Token t -> t.token();
            });
        }
        return sb.toString();
    }

    RenderedChat encode(BpeTokenizer tokenizer) {
        List<Integer> ids = new ArrayList<>();
        List<Boolean> trainable = new ArrayList<>();
        int i = 0;
        while (i < parts.size()) {
            if (parts.get(i) instanceof Token t) {
                ids.add(t.id());
                trainable.add(t.trainable());
                i++;
                continue;
            }
            StringBuilder run = new StringBuilder();
            boolean[] charTrainable = new boolean[runLength(i)];
            while (i < parts.size() && parts.get(i) instanceof Text t) {
                Arrays.fill(charTrainable, run.length(), run.length() + t.text().length(), t.trainable());
                run.append(t.text());
                i++;
            }
            Encoding e = tokenizer.encodeWithOffsets(run.toString(), false);
            for (int k = 0; k < e.size(); k++) {
                ids.add(e.ids()[k]);
                trainable.add(coversTrainable(charTrainable, e.starts()[k], e.ends()[k]));
            }
        }
        boolean[] mask = new boolean[trainable.size()];
        for (int k = 0; k < mask.length; k++) {
            mask[k] = trainable.get(k);
        }
        return new RenderedChat(ids.stream().mapToInt(Integer::intValue).toArray(), mask);
    }

    private int runLength(int from) {
        int n = 0;
        for (int i = from; i < parts.size() && parts.get(i) instanceof Text t; i++) {
            n += t.text().length();
        }
        return n;
    }

    static boolean coversTrainable(boolean[] charTrainable, int start, int end) {
        if (start == end) {
            return start < charTrainable.length && charTrainable[start];
        }
        for (int c = start; c < end; c++) {
            if (charTrainable[c]) {
                return true;
            }
        }
        return false;
    }
}
