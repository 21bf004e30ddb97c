package com.mka1.backend.cuda;

/**
 * The sizes of a Llama-family model and of one training batch, for the benchmark.
 *
 * @param dim hidden size
 * @param hidden MLP intermediate size
 * @param layers decoder layers
 * @param heads query heads
 * @param kvHeads key/value heads
 * @param vocab vocabulary (the LM head is tied to the embedding)
 * @param batch rows per step
 * @param seqLen tokens per row
 */
record LlamaShape(String name, int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int batch, int seqLen) {

    static LlamaShape named(String name, int batch, int seqLen) {
        return switch (name) {
            case "smollm-135m" -> new LlamaShape(name, 576, 1536, 30, 9, 3, 49152, batch, seqLen);
            case "tinystories-15m" -> new LlamaShape(name, 288, 768, 6, 6, 6, 32000, batch, seqLen);
            case "tiny" -> new LlamaShape(name, 64, 160, 2, 4, 2, 256, batch, seqLen);
            // Llama-3.2-1B and Llama-3.1-8B (the 8B's LM head is untied in the release; tied here, same FLOPs)
            case "llama-3.2-1b" -> new LlamaShape(name, 2048, 8192, 16, 32, 8, 128256, batch, seqLen);
            case "llama-3.1-8b" -> new LlamaShape(name, 4096, 14336, 32, 32, 8, 128256, batch, seqLen);
            default -> throw new IllegalArgumentException(
                    "unknown config '" + name + "' (smollm-135m, tinystories-15m, tiny, llama-3.2-1b, llama-3.1-8b)");
        };
    }

    int headDim() {
        return dim / heads;
    }

    int qDim() {
        return heads * headDim();
    }

    int kvDim() {
        return kvHeads * headDim();
    }

    int tokens() {
        return batch * seqLen;
    }

    /** Weights of one decoder layer. */
    long layerParameters() {
        return 2L * dim + (long) dim * qDim() * 2 + (long) dim * kvDim() * 2 + 3L * dim * hidden;
    }

    long parameters() {
        return layers * layerParameters() + (long) vocab * dim + dim;
    }

    /**
     * Training FLOPs per token: 6 per weight of every matmul (the tied LM head included, the
     * embedding lookup and norms not) plus causal attention, 6 * qDim * seqLen per layer
     * (QK^T and PV over seqLen/2 keys on average, forward 4 * qDim * seqLen/2, backward twice that).
     */
    double trainingFlopsPerToken() {
        double matmulWeights = layers * ((double) dim * qDim() * 2 + (double) dim * kvDim() * 2 + 3.0 * dim * hidden)
                + (double) vocab * dim;
        return 6 * matmulWeights + 6.0 * layers * qDim() * seqLen;
    }

    /** LoRA FLOPs per token: 4 per frozen matmul weight (forward, input gradient) plus attention. */
    double loraFlopsPerToken() {
        double matmulWeights = layers * ((double) dim * qDim() * 2 + (double) dim * kvDim() * 2 + 3.0 * dim * hidden)
                + (double) vocab * dim;
        return 4 * matmulWeights + 6.0 * layers * qDim() * seqLen;
    }
}
