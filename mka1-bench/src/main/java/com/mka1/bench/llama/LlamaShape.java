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

    /** SmolLM-135M: 576 hidden, 30 layers, 9 heads (3 kv), 1536 MLP, 49152 vocab, tied embeddings. */
    static LlamaShape smolLm135m(int seqLen, int batch, int loraRank) {
        return new LlamaShape(loraRank > 0 ? "smollm-135m-lora" : "smollm-135m-full",
                576, 30, 9, 3, 1536, 49152, seqLen, batch, loraRank);
    }

    /** TinyStories-15M (llama2.c stories15M): 288 hidden, 6 layers, 6 heads, 768 MLP, 32000 vocab. */
    static LlamaShape tinyStories15m(int seqLen, int batch) {
        return new LlamaShape("tinystories-15m-full", 288, 6, 6, 6, 768, 32000, seqLen, batch, 0);
    }

    static LlamaShape named(String name) {
        return switch (name) {
            case "smollm-lora" -> smolLm135m(512, 1, 8);
            case "smollm-full" -> smolLm135m(512, 1, 0);
            case "tinystories-full" -> tinyStories15m(256, 8);
            default -> throw new IllegalArgumentException("unknown configuration " + name
                    + " (smollm-lora, smollm-full, tinystories-full)");
        };
    }
}
