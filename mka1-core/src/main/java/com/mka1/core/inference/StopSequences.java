package com.mka1.core.inference;

import java.util.List;

/**
 * Finds stop sequences in generated text. While streaming, text that could still become the start
 * of a stop sequence is held back, so a stop sequence never reaches the client even in pieces.
 */
public record StopSequences(List<String> sequences) {
    public static final StopSequences NONE = new StopSequences(List.of());

    public StopSequences {
        sequences = sequences.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** The index where the earliest stop sequence starts in {@code text}, or -1. */
    public int firstMatch(String text) {
        int best = -1;
        for (String s : sequences) {
            int at = text.indexOf(s);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** How much of {@code text} (with no full match) is safe to emit: all but a suffix that is a prefix of some stop sequence. */
    public int safeLength(String text) {
        int hold = 0;
        for (String s : sequences) {
            for (int len = Math.min(s.length() - 1, text.length()); len > hold; len--) {
                if (text.regionMatches(text.length() - len, s, 0, len)) {
                    hold = len;
                    break;
                }
            }
        }
        return text.length() - hold;
    }
}
