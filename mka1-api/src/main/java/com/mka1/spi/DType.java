package com.mka1.spi;

/** Element type of a {@link Tensor}. */
public enum DType {
    /** 32-bit IEEE float: activations, gradients, trainable weights, optimizer moments. */
    F32(4),
    /** bfloat16: frozen base weights (LoRA) kept at half the memory; read-only in kernels. */
    BF16(2),
    /** 32-bit signed integer: token ids, targets, positions, segment starts. */
    I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element in the canonical (host) layout. */
    public int bytes() {
        return bytes;
    }
}
