package com.mka1.backend.cuda;

import java.util.Locale;

/**
 * How {@code matmul} runs, chosen with the backend option {@code cuda.matmul}. All accumulate in
 * FP32; they differ in how the products are formed.
 */
enum MatmulPath {
    /** FP32 on the CUDA cores (any supported GPU). */
    FP32("fp32", 70),
    /** Tensor cores, each operand split into two TF32 parts, three products: FP32-level accuracy (default on sm_80+). */
    TF32X3("3xtf32", 80),
    /** Tensor cores, plain TF32 (about 1e-3 relative error per product): opt-in. */
    TF32("tf32", 80),
    /** Tensor cores, both operands rounded to BF16 (about 4e-3 relative error per product): fastest, opt-in. */
    BF16("bf16", 80);

    static final String OPTION = "cuda.matmul";

    private final String optionValue;
    private final int minimumComputeCapability;

    MatmulPath(String optionValue, int minimumComputeCapability) {
        this.optionValue = optionValue;
        this.minimumComputeCapability = minimumComputeCapability;
    }

    String optionValue() {
        return optionValue;
    }

    boolean usesTensorCores() {
        return this != FP32;
    }

    /**
     * The path for a device of compute capability {@code cc} (major*10 + minor), from the option
     * value or, when absent, the most accurate fast path the device has.
     */
    static MatmulPath choose(String option, int cc) {
        if (option == null) return cc >= TF32X3.minimumComputeCapability ? TF32X3 : FP32;
        for (MatmulPath path : values()) {
            if (path.optionValue.equals(option.toLowerCase(Locale.ROOT))) {
                if (cc < path.minimumComputeCapability) {
                    throw new IllegalArgumentException(OPTION + "=" + option + " needs compute capability "
                            + path.minimumComputeCapability / 10 + "." + path.minimumComputeCapability % 10
                            + ", this GPU has " + cc / 10 + "." + cc % 10);
                }
                return path;
            }
        }
        throw new IllegalArgumentException(OPTION + " must be fp32, 3xtf32, tf32 or bf16, got '" + option + "'");
    }
}
