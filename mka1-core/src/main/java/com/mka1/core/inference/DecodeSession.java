package com.mka1.core.inference;

/** One sequence's KV cache. Not thread-safe; closing frees its device memory. */
public interface DecodeSession extends AutoCloseable {
    /**
     * Appends tokens at the next positions in one batched pass (prefill when many, a decode step when
     * one) and returns the logits ({@code [vocab]}) predicted after the last of them.
     */
    float[] append(int[] tokens);

    /** Tokens held so far. */
    int length();

    @Override
    void close();
}
