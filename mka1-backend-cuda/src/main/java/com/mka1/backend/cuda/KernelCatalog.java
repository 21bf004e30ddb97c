package com.mka1.backend.cuda;

import static com.mka1.backend.cuda.ParamType.F32;
import static com.mka1.backend.cuda.ParamType.I32;
import static com.mka1.backend.cuda.ParamType.I64;
import static com.mka1.backend.cuda.ParamType.PTR;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Every kernel of the PTX modules with its exact C parameter list (the CUDA sources in
 * {@code src/main/cuda}). A unit test parses the PTX {@code .entry} signatures against this
 * list, and every launch checks its arguments against it.
 */
final class KernelCatalog {
    private KernelCatalog() {}

    static final String ELEMENTWISE = "elementwise";
    static final String EMBEDDING = "embedding";
    static final String REDUCE = "reduce";
    static final String NORM = "norm";
    static final String LOSS = "loss";
    static final String MATMUL = "matmul";
    static final String MATMUL_TC = "matmul_tc";
    static final String ATTENTION = "attention";
    static final String ATTENTION_TILED = "attention_tiled";
    static final String FLASH_ATTENTION = "flash_attention";

    /** The module names, each a resource {@code ptx/<name>.ptx} and a source {@code <name>.cu}. */
    static final List<String> MODULES = List.of(ELEMENTWISE, EMBEDDING, REDUCE, NORM, LOSS, MATMUL, MATMUL_TC,
            ATTENTION, ATTENTION_TILED, FLASH_ATTENTION);

    /** The lowest compute capability (major*10 + minor) a module's PTX targets. */
    static int targetComputeCapability(String module) {
        return module.equals(MATMUL_TC) || module.equals(FLASH_ATTENTION) ? 80 : 70;
    }

    static final KernelSpec ADD = KernelSpec.of(ELEMENTWISE, "add_f32", PTR, PTR, PTR, I64);
    static final KernelSpec MUL = KernelSpec.of(ELEMENTWISE, "mul_f32", PTR, PTR, PTR, I64);
    static final KernelSpec AXPY = KernelSpec.of(ELEMENTWISE, "axpy_f32", PTR, F32, PTR, I64);
    static final KernelSpec SCALE = KernelSpec.of(ELEMENTWISE, "scale_f32", PTR, F32, I64);
    static final KernelSpec FILL = KernelSpec.of(ELEMENTWISE, "fill_f32", PTR, F32, I64);
    static final KernelSpec ADD_BIAS = KernelSpec.of(ELEMENTWISE, "add_bias_f32", PTR, PTR, I32, I32);
    static final KernelSpec ADD_BIAS_BACKWARD = KernelSpec.of(ELEMENTWISE, "add_bias_backward_f32", PTR, PTR, I32, I32);
    static final KernelSpec SWIGLU_FORWARD = KernelSpec.of(ELEMENTWISE, "swiglu_forward_f32", PTR, PTR, PTR, I64);
    static final KernelSpec SWIGLU_BACKWARD = KernelSpec.of(ELEMENTWISE, "swiglu_backward_f32",
            PTR, PTR, PTR, PTR, PTR, I64);
    static final KernelSpec GEGLU_FORWARD = KernelSpec.of(ELEMENTWISE, "geglu_forward_f32", PTR, PTR, PTR, I64);
    static final KernelSpec GEGLU_BACKWARD = KernelSpec.of(ELEMENTWISE, "geglu_backward_f32",
            PTR, PTR, PTR, PTR, PTR, I64);
    static final KernelSpec SOFTCAP = KernelSpec.of(ELEMENTWISE, "softcap_f32", PTR, F32, I64);
    static final KernelSpec ADAMW = KernelSpec.of(ELEMENTWISE, "adamw_f32",
            PTR, PTR, PTR, PTR, I64, F32, F32, F32, F32, F32, F32, F32);
    static final KernelSpec ADAMW_MULTI = KernelSpec.of(ELEMENTWISE, "adamw_multi_f32",
            PTR, I32, I64, F32, F32, F32, F32, F32, F32);
    static final KernelSpec F32_TO_BF16 = KernelSpec.of(ELEMENTWISE, "f32_to_bf16", PTR, PTR, I64);
    static final KernelSpec BF16_TO_F32 = KernelSpec.of(ELEMENTWISE, "bf16_to_f32", PTR, PTR, I64);

    static final KernelSpec EMBEDDING_FORWARD_F32 = KernelSpec.of(EMBEDDING, "embedding_forward_f32", PTR, PTR, PTR, I32, I32);
    static final KernelSpec EMBEDDING_FORWARD_BF16 = KernelSpec.of(EMBEDDING, "embedding_forward_bf16", PTR, PTR, PTR, I32, I32);
    static final KernelSpec EMBEDDING_BACKWARD = KernelSpec.of(EMBEDDING, "embedding_backward_f32", PTR, PTR, PTR, I32, I32);

    static final KernelSpec SUM_PARTIALS = KernelSpec.of(REDUCE, "sum_partials_f32", PTR, PTR, I64, I32);
    static final KernelSpec SUM_FINAL = KernelSpec.of(REDUCE, "sum_final_f64", PTR, PTR, I32);

    static final KernelSpec RMSNORM_FORWARD = KernelSpec.of(NORM, "rmsnorm_forward_f32", PTR, PTR, PTR, PTR, I32, I32, F32);
    static final KernelSpec RMSNORM_BACKWARD_DX = KernelSpec.of(NORM, "rmsnorm_backward_dx_f32",
            PTR, PTR, PTR, PTR, PTR, I32, I32);
    static final KernelSpec RMSNORM_BACKWARD_DWEIGHT = KernelSpec.of(NORM, "rmsnorm_backward_dweight_f32",
            PTR, PTR, PTR, PTR, I32, I32);
    static final KernelSpec ROPE = KernelSpec.of(NORM, "rope_f32", PTR, PTR, PTR, I32, I32, I32, I32, F32, I32);
    static final KernelSpec ROPE_QK = KernelSpec.of(NORM, "rope_qk_f32", PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32);
    static final KernelSpec ADD_RMSNORM_FORWARD = KernelSpec.of(NORM, "add_rmsnorm_forward_f32",
            PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, F32);

    static final KernelSpec SOFTMAX_CROSS_ENTROPY = KernelSpec.of(LOSS, "softmax_cross_entropy_f32",
            PTR, PTR, PTR, PTR, I32, I32, F32, I32);

    static final KernelSpec MATMUL_F32 = KernelSpec.of(MATMUL, "matmul_f32",
            PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32);
    static final KernelSpec MATMUL_BF16 = KernelSpec.of(MATMUL, "matmul_bf16",
            PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32);

    static final KernelSpec MATMUL_SKINNY_F32 = KernelSpec.of(MATMUL, "matmul_skinny_f32",
            PTR, PTR, PTR, I32, I32, I32, F32, I32);
    static final KernelSpec MATMUL_SKINNY_BF16 = KernelSpec.of(MATMUL, "matmul_skinny_bf16",
            PTR, PTR, PTR, I32, I32, I32, F32, I32);
    static final KernelSpec MATMUL_SUM_SPLITS = KernelSpec.of(MATMUL, "matmul_sum_splits_f32",
            PTR, PTR, I64, I32, F32, I32);
    static final KernelSpec MATMUL_TC_F32 = KernelSpec.of(MATMUL_TC, "matmul_tc_f32",
            PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32, I32);
    static final KernelSpec MATMUL_TC_BF16 = KernelSpec.of(MATMUL_TC, "matmul_tc_bf16",
            PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32, I32);

    static final KernelSpec MATMUL_TC_BF16MMA_F32 = KernelSpec.of(MATMUL_TC, "matmul_tc_bf16mma_f32",
            PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32);
    static final KernelSpec MATMUL_TC_BF16MMA_BF16 = KernelSpec.of(MATMUL_TC, "matmul_tc_bf16mma_bf16",
            PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32);

    static final KernelSpec ATTENTION_FORWARD = KernelSpec.of(ATTENTION, "attention_forward_f32",
            PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, I32, F32);
    static final KernelSpec ATTENTION_FORWARD_SPLIT = KernelSpec.of(ATTENTION, "attention_forward_split_f32",
            PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, I32, F32, I32);
    static final KernelSpec ATTENTION_COMBINE = KernelSpec.of(ATTENTION, "attention_combine_f32",
            PTR, PTR, PTR, I32, I32, I32, I32);
    static final KernelSpec ATTENTION_BACKWARD_DELTA = KernelSpec.of(ATTENTION, "attention_backward_delta_f32",
            PTR, PTR, PTR, I32, I32, I32);
    static final KernelSpec ATTENTION_BACKWARD_DQ = KernelSpec.of(ATTENTION, "attention_backward_dq_f32",
            PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, F32);
    static final KernelSpec ATTENTION_BACKWARD_DKDV = KernelSpec.of(ATTENTION, "attention_backward_dkdv_f32",
            PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, F32);

    static final KernelSpec ATTENTION_FORWARD_TILED = KernelSpec.of(ATTENTION_TILED, "attention_forward_tiled_f32",
            PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, I32, F32, I32);
    static final KernelSpec ATTENTION_BACKWARD_DQ_TILED = KernelSpec.of(ATTENTION_TILED, "attention_backward_dq_tiled_f32",
            PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32);
    static final KernelSpec ATTENTION_BACKWARD_DKDV_TILED = KernelSpec.of(ATTENTION_TILED,
            "attention_backward_dkdv_tiled_f32", PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, I32, F32, I32);

    static final KernelSpec FLASH_FORWARD_D64 = flashForward(64), FLASH_FORWARD_D128 = flashForward(128);
    static final KernelSpec FLASH_BACKWARD_DQ_D64 = flashDq(64), FLASH_BACKWARD_DQ_D128 = flashDq(128);
    static final KernelSpec FLASH_BACKWARD_DKDV_D64 = flashDkDv(64), FLASH_BACKWARD_DKDV_D128 = flashDkDv(128);

    private static KernelSpec flashForward(int headDim) {
        return KernelSpec.of(FLASH_ATTENTION, "flash_attention_forward_d" + headDim,
                PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, I32, F32);
    }

    private static KernelSpec flashDq(int headDim) {
        return KernelSpec.of(FLASH_ATTENTION, "flash_attention_backward_dq_d" + headDim,
                PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, F32);
    }

    private static KernelSpec flashDkDv(int headDim) {
        return KernelSpec.of(FLASH_ATTENTION, "flash_attention_backward_dkdv_d" + headDim,
                PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I32, F32);
    }

    /** Every kernel, for module loading and the PTX signature test. */
    static final List<KernelSpec> ALL = List.of(
            ADD, MUL, AXPY, SCALE, FILL, ADD_BIAS, ADD_BIAS_BACKWARD, SWIGLU_FORWARD, SWIGLU_BACKWARD,
            GEGLU_FORWARD, GEGLU_BACKWARD, SOFTCAP, ADAMW, ADAMW_MULTI, F32_TO_BF16, BF16_TO_F32,
            EMBEDDING_FORWARD_F32, EMBEDDING_FORWARD_BF16, EMBEDDING_BACKWARD,
            SUM_PARTIALS, SUM_FINAL,
            RMSNORM_FORWARD, RMSNORM_BACKWARD_DX, RMSNORM_BACKWARD_DWEIGHT, ROPE, ROPE_QK, ADD_RMSNORM_FORWARD,
            SOFTMAX_CROSS_ENTROPY,
            MATMUL_F32, MATMUL_BF16, MATMUL_SKINNY_F32, MATMUL_SKINNY_BF16, MATMUL_SUM_SPLITS, MATMUL_TC_F32, MATMUL_TC_BF16,
            MATMUL_TC_BF16MMA_F32, MATMUL_TC_BF16MMA_BF16,
            ATTENTION_FORWARD, ATTENTION_FORWARD_SPLIT, ATTENTION_COMBINE, ATTENTION_BACKWARD_DELTA, ATTENTION_BACKWARD_DQ, ATTENTION_BACKWARD_DKDV,
            ATTENTION_FORWARD_TILED, ATTENTION_BACKWARD_DQ_TILED, ATTENTION_BACKWARD_DKDV_TILED,
            FLASH_FORWARD_D64, FLASH_FORWARD_D128, FLASH_BACKWARD_DQ_D64, FLASH_BACKWARD_DQ_D128,
            FLASH_BACKWARD_DKDV_D64, FLASH_BACKWARD_DKDV_D128);

    /** The PTX text of a module, read from the jar. */
    static String ptx(String module) {
        String resource = "ptx/" + module + ".ptx";
        try (InputStream in = KernelCatalog.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("PTX resource missing from the jar: " + resource);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PTX resource " + resource, e);
        }
    }
}
