package com.mka1.core.tokenizer;

/**
 * Token ids with the input characters each came from: token {@code i} covers
 * {@code text[starts[i], ends[i])}. Tokens that no input character produced (BOS/EOS added by the
 * post-processor) have an empty span at the start or end of the text.
 */
public record Encoding(int[] ids, int[] starts, int[] ends) {
    public Encoding {
        if (ids.length != starts.length || ids.length != ends.length) {
            throw new IllegalArgumentException("ids, starts and ends differ in length");
        }
    }

    public int size() {
        return ids.length;
    }
}
