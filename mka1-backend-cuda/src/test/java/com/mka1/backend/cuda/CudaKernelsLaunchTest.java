package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.mka1.spi.AdamWParameter;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

import jcuda.driver.CUdeviceptr;

/**
 * What the Java launch code passes to each kernel, checked without a GPU: every {@link Kernels}
 * method is called with a launcher that records the launches and applies the same argument
 * check as the driver launcher, so a parameter list that drifts from {@link KernelCatalog}
 * (and hence from the PTX, see {@link PtxModulesTest}) fails here.
 */
class CudaKernelsLaunchTest {
    private record Launch(KernelSpec kernel, LaunchShape shape, List<Object> args) {}

    private final List<Launch> launches = new ArrayList<>();
    private final List<long[]> written = new ArrayList<>();
    private final KernelLauncher recorder = (kernel, shape, args) -> {
        kernel.checkArguments(args);
        launches.add(new Launch(kernel, shape, Arrays.asList(args)));
    };
    private final Workspace scratch = new Workspace() {
        @Override
        public DeviceBlock acquire(long bytes) {
            return new DeviceBlock(new CUdeviceptr(), DevicePool.sizeClass(bytes));
        }

        @Override
        public void release(DeviceBlock block) {}

        @Override
        public void write(DeviceBlock block, long[] values) {
            written.add(values.clone());
        }

        @Override
        public double readDouble(DeviceBlock block) {
            return 0.0; // no device here: only the launches are under test
        }
    };
    private final Kernels kernels = new CudaKernels(null, recorder, scratch, MatmulPath.FP32);

    /** What the kernels hand a GEMM library: the problem and the raw addresses. */
    private record GemmCall(Gemm.Problem problem, long c, long a, long b, float alpha, float beta) {}

    private final List<GemmCall> gemmCalls = new ArrayList<>();
    private final Set<Gemm.Problem> noAlgorithm = new HashSet<>();
    private final Gemm gemm = new Gemm() {
        @Override
        public boolean supports(Problem problem) {
            return !noAlgorithm.contains(problem);
        }

        @Override
        public void matmul(Problem problem, long c, long a, long b, float alpha, float beta) {
            gemmCalls.add(new GemmCall(problem, c, a, b, alpha, beta));
        }
    };
    // Tensors made here have no device, like these kernels' owner.
    private final Kernels tensorCoreKernels = new CudaKernels(null, recorder, scratch, MatmulPath.TF32X3);

    private static CudaTensor tensor(DType dtype, int... shape) {
        long bytes = CudaTensor.elementCount(shape) * dtype.bytes();
        return new CudaTensor(null, new DeviceBlock(new CUdeviceptr(), bytes), 0, dtype, shape, null);
    }

    private static CudaTensor f32(int... shape) {
        return tensor(DType.F32, shape);
    }

    private static CudaTensor i32(int... shape) {
        return tensor(DType.I32, shape);
    }

    @Test
    void everyKernelMethodLaunchesCatalogKernelsWithMatchingArguments() {
        int n = 6, dim = 8, vocab = 10, heads = 4, kvHeads = 2, headDim = 4;
        kernels.matmul(f32(3, 5), f32(3, 4), f32(4, 5), 3, 5, 4, false, false, 1f, false);
        kernels.matmul(f32(3, 5), f32(4, 3), tensor(DType.BF16, 5, 4), 3, 5, 4, true, true, 0.5f, true);
        kernels.matmul(f32(1, 5), f32(1, 4), f32(5, 4), 1, 5, 4, false, true, 1f, false);
        kernels.matmul(f32(8, 5), f32(8, 4), tensor(DType.BF16, 5, 4), 8, 5, 4, false, true, 1f, true);
        tensorCoreKernels.matmul(f32(3, 5), f32(3, 4), f32(4, 5), 3, 5, 4, false, false, 1f, false);
        tensorCoreKernels.matmul(f32(3, 5), f32(4, 3), tensor(DType.BF16, 5, 4), 3, 5, 4, true, true, 0.5f, true);
        tensorCoreKernels.matmul(f32(3, 5), f32(512, 3), f32(512, 5), 3, 5, 512, true, false, 1f, true); // split K
        Kernels bf16Kernels = new CudaKernels(null, recorder, scratch, MatmulPath.BF16);
        bf16Kernels.matmul(f32(3, 5), f32(3, 4), f32(4, 5), 3, 5, 4, false, false, 1f, false);
        bf16Kernels.matmul(f32(3, 5), f32(4, 3), tensor(DType.BF16, 5, 4), 3, 5, 4, true, true, 0.5f, true);
        new CudaKernels(null, recorder, scratch, MatmulPath.BF16, gemm).matmul(f32(16, 8), f32(16, 8), f32(8, 8), 16, 8, 8,
                false, false, 1f, false);
        new CudaKernels(null, recorder, scratch, MatmulPath.TF32, gemm).matmul(f32(16, 8), f32(16, 8),
                tensor(DType.BF16, 8, 8), 16, 8, 8, false, true, 1f, false);
        kernels.addBias(f32(n, dim), f32(dim), n, dim);
        kernels.addBiasBackward(f32(dim), f32(n, dim), n, dim);
        kernels.embeddingForward(f32(n, dim), f32(vocab, dim), i32(n), n, dim);
        kernels.embeddingForward(f32(n, dim), tensor(DType.BF16, vocab, dim), i32(n), n, dim);
        kernels.embeddingBackward(f32(vocab, dim), f32(n, dim), i32(n), n, dim);
        kernels.rmsnormForward(f32(n, dim), f32(n), f32(n, dim), f32(dim), n, dim, 1e-5f);
        kernels.rmsnormForward(f32(n, dim), null, f32(n, dim), f32(dim), n, dim, 1e-5f);
        kernels.rmsnormBackward(f32(n, dim), f32(dim), f32(n, dim), f32(n, dim), f32(dim), f32(n), n, dim);
        kernels.rope(f32(n, heads * headDim), i32(n), f32(headDim / 2), n, heads, headDim, false);
        kernels.rope(f32(n, heads * headDim), i32(n), f32(headDim / 4), n, heads, headDim, headDim / 2, 1.2f, true);
        kernels.attentionForward(f32(n, heads * headDim), f32(n, heads), f32(n, heads * headDim),
                f32(n, kvHeads * headDim), f32(n, kvHeads * headDim), i32(n), 2, 3, 3, heads, kvHeads, headDim, 0.5f);
        kernels.attentionForward(f32(2, heads * headDim), null, f32(2, heads * headDim),
                f32(2 * 300, kvHeads * headDim), f32(2 * 300, kvHeads * headDim), i32(2), 2, 1, 300, heads, kvHeads, headDim, 0.5f);
        kernels.attentionBackward(f32(n, heads * headDim), f32(n, kvHeads * headDim), f32(n, kvHeads * headDim),
                f32(n, heads * headDim), f32(n, heads * headDim), f32(n, heads), f32(n, heads * headDim),
                f32(n, kvHeads * headDim), f32(n, kvHeads * headDim), i32(n), 2, 3, heads, kvHeads, headDim, 0.5f);
        int odd = 6; // a head dim of whole float4s takes the tiled kernels above; this one the per-warp kernels
        kernels.attentionForward(f32(n, heads * odd), f32(n, heads), f32(n, heads * odd),
                f32(n, kvHeads * odd), f32(n, kvHeads * odd), i32(n), 2, 3, 3, heads, kvHeads, odd, 0.5f);
        kernels.attentionBackward(f32(n, heads * odd), f32(n, kvHeads * odd), f32(n, kvHeads * odd),
                f32(n, heads * odd), f32(n, heads * odd), f32(n, heads), f32(n, heads * odd),
                f32(n, kvHeads * odd), f32(n, kvHeads * odd), i32(n), 2, 3, heads, kvHeads, odd, 0.5f);
        for (int flashDim : new int[] {64, 128}) {
            Kernels flash = new CudaKernels(null, recorder, scratch, MatmulPath.BF16, null, H100_SHARED_OPTIN);
            flash.attentionForward(f32(n, heads * flashDim), f32(n, heads), f32(n, heads * flashDim),
                    f32(n, kvHeads * flashDim), f32(n, kvHeads * flashDim), i32(n), 2, 3, 3, heads, kvHeads, flashDim, 0.5f);
            flash.attentionBackward(f32(n, heads * flashDim), f32(n, kvHeads * flashDim), f32(n, kvHeads * flashDim),
                    f32(n, heads * flashDim), f32(n, heads * flashDim), f32(n, heads), f32(n, heads * flashDim),
                    f32(n, kvHeads * flashDim), f32(n, kvHeads * flashDim), i32(n), 2, 3, heads, kvHeads, flashDim, 0.5f);
        }
        kernels.swigluForward(f32(n), f32(n), f32(n), n);
        kernels.swigluBackward(f32(n), f32(n), f32(n), f32(n), f32(n), n);
        kernels.gegluForward(f32(n), f32(n), f32(n), n);
        kernels.gegluBackward(f32(n), f32(n), f32(n), f32(n), f32(n), n);
        kernels.softcap(f32(n), 30f, n);
        kernels.softmaxCrossEntropy(f32(n, vocab), f32(n), f32(n), i32(n), n, vocab, 0.25f, true);
        kernels.add(f32(n), f32(n), f32(n), n);
        kernels.mul(f32(n), f32(n), f32(n), n);
        kernels.axpy(f32(n), 2f, f32(n), n);
        kernels.scale(f32(n), 2f, n);
        kernels.fill(f32(n), 1f, n);
        kernels.sum(f32(n), n);
        kernels.sumOfSquares(f32(n), n);
        kernels.adamw(f32(n), f32(n), f32(n), f32(n), n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        kernels.adamw(List.of(new AdamWParameter(f32(n), f32(n), f32(n), f32(n), 0.01f)), 1e-3f, 0.9f, 0.999f, 1e-8f, 1);
        kernels.addRmsnormForward(f32(n, dim), f32(n, dim), f32(n), f32(n, dim), f32(n, dim), f32(dim), n, dim, 1e-5f);
        kernels.ropeQK(f32(n, heads * headDim), f32(n, kvHeads * headDim), i32(n), f32(headDim / 2), n, heads, kvHeads,
                headDim, headDim, 1f, false);

        Set<KernelSpec> launched = new HashSet<>();
        launches.forEach(l -> launched.add(l.kernel()));
        assertThat(launched).containsExactlyInAnyOrderElementsOf(KernelCatalog.ALL);
    }

    @Test
    void multiTensorAdamWUploadsItsTableOnceAndUpdatesEveryElementInOneLaunch() {
        CudaTensor p1 = at(0x10000, DType.F32, 3, 5), p2 = at(0x20000, DType.F32, 7);
        var parameters = List.of(
                new AdamWParameter(p1, at(0x11000, DType.F32, 15), at(0x12000, DType.F32, 15), at(0x13000, DType.F32, 15), 0.1f),
                new AdamWParameter(p2, at(0x21000, DType.F32, 7), at(0x22000, DType.F32, 7), at(0x23000, DType.F32, 7), 0f));
        for (int step = 1; step <= 3; step++) kernels.adamw(parameters, 1e-3f, 0.9f, 0.999f, 1e-8f, step);
        assertThat(written).hasSize(1); // the same list each step: the table is uploaded once
        assertThat(written.getFirst()).containsExactly(0x10000, 0x11000, 0x12000, 0x13000, 0, Float.floatToRawIntBits(0.1f),
                0x20000, 0x21000, 0x22000, 0x23000, 15, 0);
        assertThat(launches).hasSize(3).allSatisfy(l -> assertThat(l.kernel()).isEqualTo(KernelCatalog.ADAMW_MULTI));
        assertThat(launches.get(2).args().subList(1, 9)).containsExactly(2, 22L, 1e-3f, 0.9f, 0.999f, 1e-8f,
                (float) (1 - Math.pow(0.9f, 3)), (float) (1 - Math.pow(0.999f, 3)));
        kernels.adamw(List.copyOf(new ArrayList<>(parameters)), 1e-3f, 0.9f, 0.999f, 1e-8f, 4);
        assertThat(written).hasSize(2); // another list: a new table
    }

    @Test
    void ropeOnQueriesAndKeysIsOneLaunchOverBothHalves() {
        int n = 5, heads = 8, kvHeads = 2, headDim = 64, rotaryDim = 32;
        CudaTensor q = f32(n, heads * headDim), k = f32(n, kvHeads * headDim);
        kernels.ropeQK(q, k, i32(n), f32(rotaryDim / 2), n, heads, kvHeads, headDim, rotaryDim, 1.5f, true);
        assertThat(launches).singleElement().satisfies(l -> {
            assertThat(l.kernel()).isEqualTo(KernelCatalog.ROPE_QK);
            assertThat(l.shape()).isEqualTo(LaunchShape.elementwise((long) n * (heads + kvHeads) * rotaryDim / 2));
            assertThat(l.args().subList(4, 11)).containsExactly(n, heads, kvHeads, headDim, rotaryDim, 1.5f, 1);
        });
        assertThatThrownBy(() -> kernels.ropeQK(q, k, i32(n), f32(8), n, heads, kvHeads, headDim, 66, 1f, false))
                .hasMessage("rope: rotaryDim 66 must be even and within headDim 64");
    }

    /** cudaDevAttrMaxSharedMemoryPerBlockOptin of an H100 (227 KB) and of an sm_86/89 GPU (99 KB). */
    private static final int H100_SHARED_OPTIN = 232_448, ADA_SHARED_OPTIN = 101_376;

    @Test
    void flashAttentionSharedMemoryFollowsTheTileLayout() {
        // 3 staged BF16 tiles 64 x (d + 8), 4 warps x (16 x 68 FP32 scores, 16 x 72 BF16 probabilities, 16 x (d + 4) FP32 rows)
        assertThat(FlashAttention.sharedBytes(FlashAttention.Pass.FORWARD, 64)).isEqualTo(3 * 9216 + 17408 + 9216 + 17408);
        assertThat(FlashAttention.sharedBytes(FlashAttention.Pass.FORWARD, 128)).isEqualTo(112_640);
        assertThat(FlashAttention.sharedBytes(FlashAttention.Pass.BACKWARD_DQ, 64)).isEqualTo(80_896);
        assertThat(FlashAttention.sharedBytes(FlashAttention.Pass.BACKWARD_DQ, 128)).isEqualTo(113_664);
        assertThat(FlashAttention.sharedBytes(FlashAttention.Pass.BACKWARD_DKDV, 64)).isEqualTo(90_880);
        assertThat(FlashAttention.sharedBytes(FlashAttention.Pass.BACKWARD_DKDV, 128)).isEqualTo(123_648);
        assertThat(FlashAttention.fits(128, H100_SHARED_OPTIN)).isTrue();
        assertThat(FlashAttention.fits(128, ADA_SHARED_OPTIN)).isFalse();
        assertThat(FlashAttention.fits(64, ADA_SHARED_OPTIN)).isTrue();
    }

    @Test
    void flashAttentionLaunchesOneBlockPer64RowsWithItsSharedMemory() {
        int batch = 2, seq = 1000, heads = 32, kvHeads = 8, d = 64; // the Llama-3.2-1B attention at 2 x 1000 tokens
        int rows = batch * seq;
        Kernels flash = new CudaKernels(null, recorder, scratch, MatmulPath.BF16, null, H100_SHARED_OPTIN);
        flash.attentionForward(f32(rows, heads * d), f32(rows, heads), f32(rows, heads * d), f32(rows, kvHeads * d),
                f32(rows, kvHeads * d), i32(rows), batch, seq, seq, heads, kvHeads, d, 0.125f);
        flash.attentionBackward(f32(rows, heads * d), f32(rows, kvHeads * d), f32(rows, kvHeads * d), f32(rows, heads * d),
                f32(rows, heads * d), f32(rows, heads), f32(rows, heads * d), f32(rows, kvHeads * d), f32(rows, kvHeads * d),
                i32(rows), batch, seq, heads, kvHeads, d, 0.125f);
        assertThat(launches).extracting(Launch::kernel).containsExactly(KernelCatalog.FLASH_FORWARD_D64,
                KernelCatalog.ATTENTION_BACKWARD_DELTA, KernelCatalog.FLASH_BACKWARD_DQ_D64, KernelCatalog.FLASH_BACKWARD_DKDV_D64);
        assertThat(launches.get(0).shape()).isEqualTo(new LaunchShape(16, batch * heads, 1, 128, 71_680));
        assertThat(launches.get(2).shape()).isEqualTo(new LaunchShape(16, batch * heads, 1, 128, 80_896));
        assertThat(launches.get(3).shape()).isEqualTo(new LaunchShape(16, batch * kvHeads, 1, 128, 90_880));
        assertThat(launches.get(0).args().subList(6, 11)).containsExactly(seq, seq, heads, kvHeads, 0.125f);
        launches.clear();

        // head dim 128 where it does not fit (a 99 KB GPU), other head dims, and flash turned off: the FP32 tiled kernels
        new CudaKernels(null, recorder, scratch, MatmulPath.BF16, null, ADA_SHARED_OPTIN).attentionForward(f32(rows, heads * 128),
                f32(rows, heads), f32(rows, heads * 128), f32(rows, kvHeads * 128), f32(rows, kvHeads * 128), i32(rows),
                batch, seq, seq, heads, kvHeads, 128, 0.1f);
        flash.attentionForward(f32(rows, heads * 96), f32(rows, heads), f32(rows, heads * 96), f32(rows, kvHeads * 96),
                f32(rows, kvHeads * 96), i32(rows), batch, seq, seq, heads, kvHeads, 96, 0.1f);
        new CudaKernels(null, recorder, scratch, MatmulPath.BF16, null, 0).attentionForward(f32(rows, heads * d),
                f32(rows, heads), f32(rows, heads * d), f32(rows, kvHeads * d), f32(rows, kvHeads * d), i32(rows),
                batch, seq, seq, heads, kvHeads, d, 0.1f);
        assertThat(launches).extracting(Launch::kernel).containsOnly(KernelCatalog.ATTENTION_FORWARD_TILED);
        assertThat(FlashAttention.requested(null)).isFalse();
        assertThat(FlashAttention.requested("FLASH")).isTrue();
        assertThatThrownBy(() -> FlashAttention.requested("fa2")).hasMessage("cuda.attention must be tiled or flash, got 'fa2'");
    }

    /** A tensor at a device address (a null base plus the offset: what JCuda holds without a driver). */
    private static CudaTensor at(long address, DType dtype, int... shape) {
        long bytes = CudaTensor.elementCount(shape) * dtype.bytes();
        return new CudaTensor(null, new DeviceBlock(new CUdeviceptr().withByteOffset(address), bytes), 0, dtype, shape, null);
    }

    @Test
    void cublasLtGetsTheProblemInThePathsPrecisionWithOperandsConvertedWhereNeeded() {
        CudaTensor c = at(0x1000, DType.F32, 64, 32), a = at(0x2000, DType.F32, 64, 48);
        CudaTensor w = at(0x3000, DType.F32, 32, 48), wBf16 = at(0x4000, DType.BF16, 32, 48);
        // 3xtf32 and fp32: FP32 compute on the tensors in place, beta 1 when accumulating
        new CudaKernels(null, recorder, scratch, MatmulPath.TF32X3, gemm).matmul(c, a, w, 64, 32, 48, false, true, 0.5f, true);
        new CudaKernels(null, recorder, scratch, MatmulPath.FP32, gemm).matmul(c, a, w, 64, 32, 48, false, true, 1f, false);
        assertThat(launches).isEmpty();
        assertThat(gemmCalls).containsExactly(
                new GemmCall(new Gemm.Problem(64, 32, 48, false, true, CublasLtApi.CUDA_R_32F, CublasLtApi.COMPUTE_32F),
                        0x1000, 0x2000, 0x3000, 0.5f, 1f),
                new GemmCall(new Gemm.Problem(64, 32, 48, false, true, CublasLtApi.CUDA_R_32F, CublasLtApi.COMPUTE_32F),
                        0x1000, 0x2000, 0x3000, 1f, 0f));
        gemmCalls.clear();

        // tf32 with a frozen BF16 weight: the weight widened to FP32 (exact) into a workspace block, TF32 compute
        new CudaKernels(null, recorder, scratch, MatmulPath.TF32, gemm).matmul(c, a, wBf16, 64, 32, 48, false, true, 1f, false);
        assertThat(launches).extracting(Launch::kernel).containsExactly(KernelCatalog.BF16_TO_F32);
        assertThat(launches.getFirst().args().subList(1, 3)).containsExactly(wBf16, 32L * 48);
        assertThat(gemmCalls.getFirst().problem()).isEqualTo(
                new Gemm.Problem(64, 32, 48, false, true, CublasLtApi.CUDA_R_32F, CublasLtApi.COMPUTE_32F_FAST_TF32));
        assertThat(gemmCalls.getFirst().a()).isEqualTo(0x2000);
        launches.clear();
        gemmCalls.clear();

        // bf16: FP32 activations rounded to BF16; a BF16 weight is used in place
        new CudaKernels(null, recorder, scratch, MatmulPath.BF16, gemm).matmul(c, a, wBf16, 64, 32, 48, false, true, 1f, false);
        assertThat(launches).extracting(Launch::kernel).containsExactly(KernelCatalog.F32_TO_BF16);
        assertThat(launches.getFirst().args().subList(1, 3)).containsExactly(a, 64L * 48);
        assertThat(gemmCalls).singleElement().satisfies(call -> {
            assertThat(call.problem()).isEqualTo(
                    new Gemm.Problem(64, 32, 48, false, true, CublasLtApi.CUDA_R_16BF, CublasLtApi.COMPUTE_32F));
            assertThat(call.b()).isEqualTo(0x4000);
        });
    }

    @Test
    void shapesWithoutAnAlgorithmMisalignedViewsAndDecodingStayOnTheKernels() {
        Kernels withGemm = new CudaKernels(null, recorder, scratch, MatmulPath.TF32X3, gemm);
        noAlgorithm.add(new Gemm.Problem(64, 32, 48, false, true, CublasLtApi.CUDA_R_32F, CublasLtApi.COMPUTE_32F));
        withGemm.matmul(at(0x1000, DType.F32, 64, 32), at(0x2000, DType.F32, 64, 48), at(0x3000, DType.F32, 32, 48),
                64, 32, 48, false, true, 1f, false);
        withGemm.matmul(at(0x1000, DType.F32, 64, 32), at(0x2004, DType.F32, 64, 40), at(0x3000, DType.F32, 32, 40),
                64, 32, 40, false, true, 1f, false); // A one float off the 16-byte grid
        withGemm.matmul(at(0x1000, DType.F32, 2, 32), at(0x2000, DType.F32, 2, 40), at(0x3000, DType.F32, 32, 40),
                2, 32, 40, false, true, 1f, false); // two tokens: the per-warp kernel
        assertThat(gemmCalls).isEmpty();
        assertThat(launches).extracting(Launch::kernel)
                .containsExactly(KernelCatalog.MATMUL_TC_F32, KernelCatalog.MATMUL_TC_F32, KernelCatalog.MATMUL_SKINNY_F32);
    }

    /** The attention kernels have no soft-capping: asking for it is refused by name, nothing is launched. */
    @Test
    void softCappedAttentionIsRefusedNamingTheFeature() {
        int n = 6, heads = 4, kvHeads = 2, headDim = 4;
        assertThatThrownBy(() -> kernels.attentionForward(f32(n, heads * headDim), f32(n, heads), f32(n, heads * headDim),
                f32(n, kvHeads * headDim), f32(n, kvHeads * headDim), i32(n), 2, 3, 3, heads, kvHeads, headDim, 0.5f, 50f))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("attn_logit_softcapping 50.0, Gemma 2) is not implemented on the cuda backend");
        assertThatThrownBy(() -> kernels.attentionBackward(f32(n, heads * headDim), f32(n, kvHeads * headDim),
                f32(n, kvHeads * headDim), f32(n, heads * headDim), f32(n, heads * headDim), f32(n, heads),
                f32(n, heads * headDim), f32(n, kvHeads * headDim), f32(n, kvHeads * headDim), i32(n), 2, 3, heads, kvHeads,
                headDim, 0.5f, 50f)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(launches).isEmpty();
    }

    @Test
    void matmulPassesShapesFlagsAndATileGrid() {
        CudaTensor c = f32(130, 70), a = f32(130, 9), b = f32(9, 70);
        kernels.matmul(c, a, b, 130, 70, 9, false, true, 2f, true);
        assertThat(launches).singleElement().satisfies(l -> {
            assertThat(l.kernel()).isEqualTo(KernelCatalog.MATMUL_F32);
            assertThat(l.shape()).isEqualTo(new LaunchShape(2, 3, 256));
            assertThat(l.args()).containsExactly(c, a, b, 130, 70, 9, 0, 1, 2f, 1);
        });
    }

    @Test
    void tensorCoreMatmulUses128By64TilesAndThePrecisionFlag() {
        CudaTensor c = f32(130, 70), a = f32(130, 9), b = f32(70, 9);
        tensorCoreKernels.matmul(c, a, b, 130, 70, 9, false, true, 1f, false);
        new CudaKernels(null, recorder, scratch, MatmulPath.TF32).matmul(c, a, b, 130, 70, 9, false, true, 1f, false);
        assertThat(launches).extracting(Launch::shape).containsOnly(new LaunchShape(2, 2, 256));
        assertThat(launches).extracting(l -> l.args().get(10)).containsExactly(1, 0);
    }

    @Test
    void fewOutputTilesOverALongKSplitKAndSumTheSplitsInOrder() {
        assertThat(CudaKernels.kSplits(4096, 576, 576)).isEqualTo(1);  // 288 tiles: every SM busy
        assertThat(CudaKernels.kSplits(576, 576, 4096)).isEqualTo(6);  // weight gradient: 45 tiles
        assertThat(CudaKernels.kSplits(8, 576, 4096)).isEqualTo(16);   // LoRA's rank-sized product: 16 x 256 deep
        assertThat(CudaKernels.kSplits(4096, 8, 576)).isEqualTo(2);
        assertThat(CudaKernels.kSplits(8, 8, 100_000)).isEqualTo(32);  // capped
        assertThat(CudaKernels.kSplits(8, 576, 200)).isEqualTo(1);     // too shallow to split
        CudaTensor c = f32(8, 576), a = f32(4096, 8), b = f32(4096, 576);
        tensorCoreKernels.matmul(c, a, b, 8, 576, 4096, true, false, -2f, true);
        assertThat(launches).extracting(Launch::kernel)
                .containsExactly(KernelCatalog.MATMUL_TC_F32, KernelCatalog.MATMUL_SUM_SPLITS);
        Launch product = launches.get(0), sum = launches.get(1);
        assertThat(product.shape()).isEqualTo(new LaunchShape(9, 1, 16, 256));
        assertThat(product.args().get(0)).isInstanceOf(DeviceBlock.class);
        assertThat(((DeviceBlock) product.args().get(0)).capacity()).isGreaterThanOrEqualTo(16L * 8 * 576 * Float.BYTES);
        assertThat(product.args().subList(1, 11)).containsExactly(a, b, 8, 576, 4096, 1, 0, 1f, 0, 1);
        assertThat(sum.args()).containsExactly(c, product.args().get(0), 8L * 576, 16, -2f, 1);
    }

    @Test
    void matmulPathFollowsTheOptionAndTheComputeCapability() {
        assertThat(MatmulPath.choose(null, 90)).isEqualTo(MatmulPath.TF32X3);
        assertThat(MatmulPath.choose(null, 75)).isEqualTo(MatmulPath.FP32);
        assertThat(MatmulPath.choose("TF32", 80)).isEqualTo(MatmulPath.TF32);
        assertThat(MatmulPath.choose("fp32", 90)).isEqualTo(MatmulPath.FP32);
        assertThatThrownBy(() -> MatmulPath.choose("tf32", 75)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cuda.matmul=tf32 needs compute capability 8.0, this GPU has 7.5");
        assertThatThrownBy(() -> MatmulPath.choose("fast", 90)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cuda.matmul must be fp32, 3xtf32, tf32 or bf16, got 'fast'");
    }

    @Test
    void aLinearLayerOnAFewTokensUsesOneWarpPerOutput() {
        CudaTensor c = f32(2, 100), a = f32(2, 64), w = tensor(DType.BF16, 100, 64);
        tensorCoreKernels.matmul(c, a, w, 2, 100, 64, false, true, 1f, false);
        tensorCoreKernels.matmul(f32(9, 100), f32(9, 64), w, 9, 100, 64, false, true, 1f, false); // 9 rows: tiled
        assertThat(launches).extracting(Launch::kernel)
                .containsExactly(KernelCatalog.MATMUL_SKINNY_BF16, KernelCatalog.MATMUL_TC_BF16);
        assertThat(launches.get(0).shape()).isEqualTo(new LaunchShape(25, 1, 128));
        assertThat(launches.get(0).args()).containsExactly(c, a, w, 2, 100, 64, 1f, 0);
    }

    @Test
    void adamwPassesBiasCorrectionsComputedInDouble() {
        CudaTensor p = f32(4), g = f32(4), m = f32(4), v = f32(4);
        kernels.adamw(p, g, m, v, 4, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 3);
        assertThat(launches).singleElement().satisfies(l -> assertThat(l.args()).containsExactly(
                p, g, m, v, 4L, 0.1f, 0.9f, 0.999f, 1e-8f, 0f,
                (float) (1 - Math.pow(0.9f, 3)), (float) (1 - Math.pow(0.999f, 3))));
    }

    @Test
    void attentionLaunchesOneWarpPerQueryHead() {
        kernels.attentionForward(f32(10, 8), null, f32(10, 8), f32(10, 4), f32(10, 4), i32(10),
                2, 5, 5, 4, 2, 2, 1f);
        // 2*5 rows * 4 heads = 40 warps, four per 128-thread block
        assertThat(launches).singleElement().satisfies(l -> {
            assertThat(l.shape()).isEqualTo(new LaunchShape(10, 1, 128));
            assertThat(l.args().get(1)).isNull();
        });
    }

    @Test
    void trainingAttentionRunsTiledBlocksOfQueriesAndKeys() {
        int batch = 2, seq = 300, heads = 9, kvHeads = 3, headDim = 64, rows = batch * seq;
        CudaTensor q = f32(rows, heads * headDim), k = f32(rows, kvHeads * headDim), v = f32(rows, kvHeads * headDim);
        kernels.attentionForward(f32(rows, heads * headDim), f32(rows, heads), q, k, v, i32(rows),
                batch, seq, seq, heads, kvHeads, headDim, 0.125f);
        kernels.attentionBackward(f32(rows, heads * headDim), f32(rows, kvHeads * headDim), f32(rows, kvHeads * headDim),
                f32(rows, heads * headDim), f32(rows, heads * headDim), f32(rows, heads), q, k, v, i32(rows),
                batch, seq, heads, kvHeads, headDim, 0.125f);
        assertThat(launches).extracting(Launch::kernel).containsExactly(KernelCatalog.ATTENTION_FORWARD_TILED,
                KernelCatalog.ATTENTION_BACKWARD_DELTA, KernelCatalog.ATTENTION_BACKWARD_DQ_TILED,
                KernelCatalog.ATTENTION_BACKWARD_DKDV_TILED);
        // head dim 64: two threads per query, 64 queries (keys) per 128-thread block; one block row per (batch, head)
        assertThat(launches.get(0).shape()).isEqualTo(new LaunchShape(5, batch * heads, 128));
        assertThat(launches.get(0).args().getLast()).isEqualTo(2);
        assertThat(launches.get(2).shape()).isEqualTo(new LaunchShape(5, batch * heads, 128));
        assertThat(launches.get(3).shape()).isEqualTo(new LaunchShape(5, batch * kvHeads, 128));
        assertThat(CudaKernels.threadsPerRow(8)).isEqualTo(1);
        assertThat(CudaKernels.threadsPerRow(48)).isEqualTo(2);
        assertThat(CudaKernels.threadsPerRow(128)).isEqualTo(4);
    }

    @Test
    void attentionOnAViewOffTheFloat4GridOrAWideHeadTakesThePerWarpKernels() {
        CudaTensor base = f32(2 * 5 * 16 + 2);
        CudaTensor shifted = new CudaTensor(null, base.block(), 2, DType.F32, new int[] {10, 16}, base);
        assertThat(CudaKernels.tiled(16, f32(10, 16), shifted)).isFalse();
        assertThat(CudaKernels.tiled(16, f32(10, 16), f32(10, 16))).isTrue();
        assertThat(CudaKernels.tiled(18, f32(10, 18))).isFalse();
        assertThat(CudaKernels.tiled(256, f32(10, 256))).isFalse();
        kernels.attentionForward(f32(10, 16), null, shifted, f32(10, 8), f32(10, 8), i32(10), 2, 5, 5, 4, 2, 4, 1f);
        assertThat(launches).extracting(Launch::kernel).containsExactly(KernelCatalog.ATTENTION_FORWARD);
    }

    @Test
    void decodingSplitsTheKeysAcrossWarpsAndTrainingDoesNot() {
        assertThat(CudaKernels.splitChunks(9, 512)).isEqualTo(8);      // one token, 9 heads, 512 keys
        assertThat(CudaKernels.splitChunks(9, 100_000)).isEqualTo(64); // capped
        assertThat(CudaKernels.splitChunks(600, 512)).isEqualTo(3);    // enough warps for about 2048
        assertThat(CudaKernels.splitChunks(9, 64)).isEqualTo(1);       // one slice holds all keys
        assertThat(CudaKernels.splitChunks(4096 * 9, 512)).isEqualTo(1);
        CudaTensor out = f32(1, 8), lse = f32(1, 4);
        kernels.attentionForward(out, lse, f32(1, 8), f32(512, 4), f32(512, 4), i32(1), 1, 1, 512, 4, 2, 2, 1f);
        assertThat(launches).extracting(Launch::kernel)
                .containsExactly(KernelCatalog.ATTENTION_FORWARD_SPLIT, KernelCatalog.ATTENTION_COMBINE);
        assertThat(launches.get(0).shape()).isEqualTo(new LaunchShape(8, 1, 128)); // 4 pairs x 8 slices
        assertThat(launches.get(0).args().get(12)).isEqualTo(8);
        assertThat(launches.get(1).args()).containsExactly(out, lse, launches.get(0).args().get(0), 1, 4, 2, 8);
    }

    @Test
    void rejectsWrongTypesAndSizesNamingTheTensor() {
        assertThatThrownBy(() -> kernels.add(f32(3), i32(3), f32(3), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tensor 'a' must be F32, is I32");
        assertThatThrownBy(() -> kernels.softmaxCrossEntropy(f32(2, 5), f32(2), null, i32(1), 2, 5, 1f, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tensor 'targets' has 1 elements, needs 2");
        assertThatThrownBy(() -> kernels.attentionForward(f32(2, 6), null, f32(2, 6), f32(2, 4), f32(2, 4), i32(2),
                1, 2, 2, 3, 2, 2, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("attention: heads 3 is not a multiple of kvHeads 2");
        try (ComputeDevice cpu = BackendUnderTest.open("cpu")) {
            Tensor onCpu = cpu.allocate(DType.F32, 3);
            assertThatThrownBy(() -> kernels.add(f32(3), f32(3), onCpu, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tensor 'b' belongs to another device");
        }
        assertThat(launches).isEmpty();
    }

    @Test
    void kernelSpecRejectsMismatchedArguments() {
        assertThatThrownBy(() -> KernelCatalog.SCALE.checkArguments(new Object[] {null, 1f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("kernel scale_f32 takes 3 parameters, got 2");
        assertThatThrownBy(() -> KernelCatalog.SCALE.checkArguments(new Object[] {null, 1f, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("kernel scale_f32 parameter 2 must be I64, got Integer");
    }
}
