package com.mka1.bench.llama;

/**
 * Sizes of a Llama-family model and of the batch a benchmark trains on.
 *
 * @param loraRank 0 for a full fine-tune, else LoRA rank on every projection (frozen BF16 base)
 */
record LlamaShape(String name, int dim, int layers, int heads, int kvHeads, int hidden, int vocab,
                  int seqLen, int batch, int loraRank) {

    int headDim() {
        return dim / heads;
    }

    int tokens() {
        return seqLen * batch;
    }

    boolean lora() {
        return loraRank > 0;
    }

    /** Weights of the matmuls a token goes through: the seven projections of every layer and the LM head. */
    long linearWeights() {
        long kvDim = (long) kvHeads * headDim();
        return (long) layers * (2L * dim * dim + 2L * dim * kvDim + 3L * dim * hidden) + (long) vocab * dim;
    }

    /**
     * Multiply-adds x 2 of one training step, per token: forward {@code 2N} over the matmul weights,
     * backward {@code 4N} (input and weight gradients) for a full fine-tune or {@code 2N} (input
     * gradients only) under frozen LoRA weights plus the adapters' {@code 6 r (in + out)}; causal
     * attention {@code 4 d (T+1)/2} per layer forward and twice that backward (recomputed scores not counted).
     */
    double trainFlopsPerToken() {
        double attention = 3.0 * layers * 4.0 * dim * (seqLen + 1) / 2;
        if (!lora()) return 6.0 * linearWeights() + attention;
        long kvDim = (long) kvHeads * headDim();
        long adapterInOut = (long) layers * (2L * (dim + dim) + 2L * (dim + kvDim) + 3L * (dim + hidden));
        return 4.0 * linearWeights() + 6.0 * loraRank * adapterInOut + attention;
    }

    /** SmolLM-135M: 576 hidden, 30 layers, 9 heads (3 kv), 1536 MLP, 49152 vocab, tied embeddings. */
    static LlamaShape smolLm135m(int seqLen, int batch, int loraRank) {
        return new LlamaShape(loraRank > 0 ? "smollm-135m-lora" : "smollm-135m-full",
                576, 30, 9, 3, 1536, 49152, seqLen, batch, loraRank);
    }

    /** TinyStories-15M (llama2.c stories15M): 288 hidden, 6 layers, 6 heads, 768 MLP, 32000 vocab. */
    static LlamaShape tinyStories15m(int seqLen, int batch) {
        return new LlamaShape("tinystories-15m-full", 288, 6, 6, 6, 768, 32000, seqLen, batch, 0);
    }

    /** Qwen2.5-0.5B's shape: 896 hidden, 24 layers, 14 heads (2 kv), 4864 MLP, 151936 vocab, tied (no q/k/v bias here). */
    static LlamaShape qwen25HalfB(int seqLen, int batch, int loraRank) {
        return new LlamaShape("qwen2.5-0.5b-lora", 896, 24, 14, 2, 4864, 151936, seqLen, batch, loraRank);
    }

    static LlamaShape named(String name) {
        return switch (name) {
            case "smollm-lora" -> smolLm135m(512, 1, 8);
            case "smollm-lora-2k" -> smolLm135m(2048, 1, 8); // long context: attention's share grows
            case "smollm-full" -> smolLm135m(512, 1, 0);
            case "tinystories-full" -> tinyStories15m(256, 8);
            case "qwen05b-lora" -> qwen25HalfB(512, 1, 16);
            default -> throw new IllegalArgumentException("unknown configuration " + name
                    + " (smollm-lora, smollm-lora-2k, smollm-full, tinystories-full, qwen05b-lora)");
        };
    }
}
