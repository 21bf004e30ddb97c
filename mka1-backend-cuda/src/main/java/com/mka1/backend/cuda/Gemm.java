package com.mka1.backend.cuda;

/**
 * A GEMM library the kernels hand matmuls to (cuBLASLt): row-major problems at raw device
 * addresses, queued on the device's stream.
 */
interface Gemm {
    /** A problem: the SPI's row-major shape, operand type (CUDA_R_32F or CUDA_R_16BF) and compute type. */
    record Problem(int m, int n, int k, boolean transA, boolean transB, int operandType, int computeType) {}

    /** Whether the library has an algorithm for {@code problem}. */
    boolean supports(Problem problem);

    /** Queues {@code C = alpha op(A) op(B) + beta C}; {@link #supports} must have said yes. */
    void matmul(Problem problem, long c, long a, long b, float alpha, float beta);
}
