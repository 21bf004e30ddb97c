package com.mka1.bench.profile;

/** Where a training step's time goes, as the benchmarks report it. */
public enum Phase {
    /** Matmul calls, less the time they spent packing operands. */
    MATMUL("matmul"),
    /** Packing (and widening) matmul operands into panels; cpu backend only. */
    PACKING("packing"),
    /** Attention forward and backward (their own key/value packing included). */
    ATTENTION("attention"),
    /** RMSNorm, RoPE, SwiGLU, embedding, elementwise kernels and reductions. */
    NORMS_ELEMENTWISE("norms/elementwise"),
    /** Softmax cross-entropy over the vocabulary (the LM head's matmuls count as matmul). */
    LOSS("loss"),
    /** The optimizer's update. */
    OPTIMIZER("optimizer"),
    /** The rest of the step's wall time: Java code between kernels, allocation, thread hand-offs. */
    FRAMEWORK("framework overhead");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
