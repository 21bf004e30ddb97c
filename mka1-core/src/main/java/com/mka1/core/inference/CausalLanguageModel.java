package com.mka1.core.inference;

/**
 * A causal language model as generation sees it: token ids in, next-token logits out, over a KV
 * cache. Implemented over the Llama model (with or without unmerged LoRA adapters).
 */
public interface CausalLanguageModel {
    int vocabSize();

    /** The most positions a sequence may have (max_position_embeddings). */
    int contextLength();

    /** Opens a KV cache for one sequence of up to {@code capacity} tokens; the caller closes it. */
    DecodeSession openSession(int capacity);
}
