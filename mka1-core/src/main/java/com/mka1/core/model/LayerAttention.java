package com.mka1.core.model;

/**
 * How one layer attends: a sliding window of {@code window} keys (the query's own position and
 * the {@code window - 1} before it, as transformers' masks do) or the whole causal past
 * ({@code window == 0}), and its rotary embedding, or none ({@code rope == null}: a NoPE layer).
 */
public record LayerAttention(int window, RotaryEmbedding rope) {
    public LayerAttention {
        if (window < 0) throw new UnsupportedModelException("sliding_window must be positive, got " + window);
    }

    public boolean sliding() {
        return window > 0;
    }

    public boolean rotary() {
        return rope != null;
    }
}
