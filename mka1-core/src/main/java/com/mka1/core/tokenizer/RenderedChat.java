package com.mka1.core.tokenizer;

/**
 * A conversation rendered with a chat template into token ids, with the loss mask: {@code
 * trainable[i]} is true when token {@code i} is assistant output to train on (the assistant's
 * content and its end-of-turn token, for messages with weight 1).
 */
public record RenderedChat(int[] ids, boolean[] trainable) {
    public RenderedChat {
        if (ids.length != trainable.length) {
            throw new IllegalArgumentException("ids and trainable differ in length");
        }
    }
}
