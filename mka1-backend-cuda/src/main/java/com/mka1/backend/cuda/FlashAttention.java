package com.mka1.backend.cuda;

import static com.mka1.backend.cuda.KernelCatalog.FLASH_BACKWARD_DKDV_D128;
import static com.mka1.backend.cuda.KernelCatalog.FLASH_BACKWARD_DKDV_D64;
import static com.mka1.backend.cuda.KernelCatalog.FLASH_BACKWARD_DQ_D128;
import static com.mka1.backend.cuda.KernelCatalog.FLASH_BACKWARD_DQ_D64;
import static com.mka1.backend.cuda.KernelCatalog.FLASH_FORWARD_D128;
import static com.mka1.backend.cuda.KernelCatalog.FLASH_FORWARD_D64;

import java.util.Locale;

/**
 * Launch shapes of the tensor-core flash attention kernels ({@code flash_attention.cu}): one block
 * of 4 warps per 64 queries (forward, dq) or 64 keys (dk/dv) of one (batch row, head), and the
 * dynamic shared memory each needs, computed from the same tile layout as the CUDA source.
 * Chosen with the backend option {@code cuda.attention=flash} (opt-in until its gpu-tagged tests
 * have passed on a GPU; {@code tiled}, the default, runs the FP32 kernels).
 */
final class FlashAttention {
    static final String OPTION = "cuda.attention";
    static final int ROWS = 64, TILE = 64, THREADS = 128, WARPS = 4;
    static final int MIN_COMPUTE_CAPABILITY = 80;

    private FlashAttention() {}

    /** Whether {@code cuda.attention} asks for the flash kernels ("flash") or the FP32 tiled ones ("tiled", default). */
    static boolean requested(String option) {
        if (option == null || option.equalsIgnoreCase("tiled")) return false;
        if (option.equalsIgnoreCase("flash")) return true;
        throw new IllegalArgumentException(OPTION + " must be tiled or flash, got '" + option.toLowerCase(Locale.ROOT) + "'");
    }

    static boolean supportsHeadDim(int headDim) {
        return headDim == 64 || headDim == 128;
    }

    enum Pass { FORWARD, BACKWARD_DQ, BACKWARD_DKDV }

    static KernelSpec kernel(Pass pass, int headDim) {
        boolean small = headDim == 64;
        return switch (pass) {
            case FORWARD -> small ? FLASH_FORWARD_D64 : FLASH_FORWARD_D128;
            case BACKWARD_DQ -> small ? FLASH_BACKWARD_DQ_D64 : FLASH_BACKWARD_DQ_D128;
            case BACKWARD_DKDV -> small ? FLASH_BACKWARD_DKDV_D64 : FLASH_BACKWARD_DKDV_D128;
        };
    }

    /**
     * Dynamic shared memory of a pass (flash_attention.cu's Dims): staged BF16 tiles of 64 rows
     * ({@code headDim + 8} wide), per-warp FP32 score tiles (16 x 68), BF16 probability tiles (16 x 72),
     * and in the forward pass per-warp FP32 output rows (16 x {@code headDim + 4}).
     */
    static int sharedBytes(Pass pass, int headDim) {
        int tile = ROWS * (headDim + 8) * 2;
        int scores = WARPS * 16 * (TILE + 4) * 4;
        int probabilities = WARPS * 16 * (TILE + 8) * 2;
        int output = WARPS * 16 * (headDim + 4) * 4;
        return switch (pass) {
            case FORWARD -> 3 * tile + scores + probabilities + output;          // Q, K, V; S; P; O
            case BACKWARD_DQ -> 4 * tile + 2 * scores + probabilities;           // Q, dO, K, V; S, dP; dS
            case BACKWARD_DKDV -> 4 * tile + 2 * scores + 2 * probabilities + 3 * TILE * 4; // + P, dS; lse, delta, seg
        };
    }

    /** The grid of a pass: {@code rows} queries (or keys) in blocks of 64, one block row per (batch row, head). */
    static LaunchShape shape(Pass pass, int headDim, int rows, int batchHeads) {
        return new LaunchShape((int) LaunchShape.ceilDiv(rows, ROWS), batchHeads, 1, THREADS, sharedBytes(pass, headDim));
    }

    /** Whether every pass fits the device's opt-in shared memory per block. */
    static boolean fits(int headDim, int maxSharedOptin) {
        for (Pass pass : Pass.values()) if (sharedBytes(pass, headDim) > maxSharedOptin) return false;
        return true;
    }
}
