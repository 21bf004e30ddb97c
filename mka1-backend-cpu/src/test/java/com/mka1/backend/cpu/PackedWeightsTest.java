package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Frozen BF16 weights kept packed across calls ({@code x W^T} with W BF16): the same bits as
 * packing on every call (budget 0), from the first call and from the cache, for odd shapes and a
 * weight that is a view at an offset; the oracle agrees; a write or a free drops the packed copy;
 * the budget bounds what is kept. Large F32 weights multiplied by few rows (the LM head over row
 * chunks) are kept in both forms they are used in, and packed again after a kernel writes them.
 */
class PackedWeightsTest {

    private static ComputeDevice open(boolean simd, long budget) {
        return new CpuBackend().open(new BackendOptions(2, 0, Map.of(CpuBackend.SIMD_OPTION, Boolean.toString(simd),
                CpuBackend.PACKED_WEIGHT_BYTES_OPTION, Long.toString(budget))));
    }

    @ParameterizedTest(name = "simd={0} m={1} n={2} k={3}")
    @CsvSource({"true,9,49,17", "true,64,770,300", "true,17,97,513", "true,100,25,37", "false,33,47,19", "false,16,130,260"})
    void packedOnceGivesTheBitsOfPackingEveryCall(boolean simd, int m, int n, int k) {
        Random random = new Random(m * 131L + n * 7L + k);
        float[] x = Fixtures.gaussian(random, m * k, 1f);
        float[] w = Fixtures.bf16Exact(Fixtures.gaussian(random, 5 + n * k, 1f)); // 5 leading values: W is a view at 5
        try (ComputeDevice plain = open(simd, 0); ComputeDevice kept = open(simd, 1L << 30)) {
            float[] expected = forward(plain, x, w, m, n, k);
            float[] first = forward(kept, x, w, m, n, k);
            assertThat(CpuProfiling.packedWeightBytes(plain)).isZero();
            assertThat(CpuProfiling.packedWeightBytes(kept)).isEqualTo(4L * k * roundUp(n, tileCols(simd)));
            assertThat(first).containsExactly(expected);
            double[] magnitude = new double[m * n];
            float[] wOnly = java.util.Arrays.copyOfRange(w, 5, w.length);
            double[] oracle = NaiveMath.matmul(x, wOnly, m, n, k, false, true, 1f, magnitude);
            for (int i = 0; i < m * n; i++) {
                assertThat((double) first[i]).isCloseTo(oracle[i], Offset.offset(2e-5 * magnitude[i] + 1e-6));
            }
        }
    }

    @Test
    void secondCallUsesThePackedCopyAndAWriteOrFreeDropsIt() {
        int m = 24, n = 100, k = 300;
        Random random = new Random(2);
        float[] x = Fixtures.gaussian(random, m * k, 1f);
        float[] w1 = Fixtures.bf16Exact(Fixtures.gaussian(random, n * k, 1f));
        float[] w2 = Fixtures.bf16Exact(Fixtures.gaussian(random, n * k, 1f));
        try (ComputeDevice plain = open(true, 0); ComputeDevice kept = open(true, 1L << 30)) {
            Tensor xt = kept.upload(x, m, k), wt = kept.allocate(DType.BF16, n, k), y = kept.allocate(DType.F32, m, n);
            kept.copyFromHost(w1, 0, wt, 0, w1.length);
            kept.kernels().matmul(y, xt, wt, m, n, k, false, true, 1f, false);
            long bytes = CpuProfiling.packedWeightBytes(kept);
            assertThat(bytes).isEqualTo(4L * k * 144);
            kept.kernels().matmul(y, xt, wt, m, n, k, false, true, 0.5f, true); // from the packed copy: 1.5 x W1
            assertThat(CpuProfiling.packedWeightBytes(kept)).isEqualTo(bytes);
            float[] once = forward(plain, x, w1, m, n, k);
            float[] got = kept.download(y);
            for (int i = 0; i < got.length; i++) assertThat(got[i]).isCloseTo(1.5f * once[i], Offset.offset(1e-5f * (1 + Math.abs(once[i]))));

            kept.copyFromHost(w2, 0, wt, 0, w2.length); // the weight changed: its packed copy must go
            assertThat(CpuProfiling.packedWeightBytes(kept)).isZero();
            kept.kernels().matmul(y, xt, wt, m, n, k, false, true, 1f, false);
            assertThat(kept.download(y)).containsExactly(forward(plain, x, w2, m, n, k));
            kept.free(wt);
            assertThat(CpuProfiling.packedWeightBytes(kept)).isZero();
        }
    }

    @Test
    void keepsNothingBeyondTheBudgetAndRejectsABadOne() {
        int m = 16, n = 96, k = 64;
        Random random = new Random(4);
        float[] x = Fixtures.gaussian(random, m * k, 1f), w = Fixtures.bf16Exact(Fixtures.gaussian(random, n * k, 1f));
        try (ComputeDevice plain = open(true, 0); ComputeDevice small = open(true, 4L * n * k - 1)) {
            assertThat(forward(small, x, w, m, n, k)).containsExactly(forward(plain, x, w, m, n, k));
            assertThat(CpuProfiling.packedWeightBytes(small)).isZero();
        }
        assertThatThrownBy(() -> new CpuBackend().open(new BackendOptions(1, 0, Map.of(CpuBackend.PACKED_WEIGHT_BYTES_OPTION, "lots"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cpu.packedWeightBytes must be a byte count (0 or more), got 'lots'");
    }

    @ParameterizedTest(name = "simd={0} transB={1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void largeF32WeightTimesFewRowsIsKeptPackedAndRepackedAfterAKernelWritesIt(boolean simd, boolean transB) {
        int m = 20, n = 1031, k = 1019; // n * k just over Gemm.REUSE_ELEMENTS, odd sizes
        assertThat((long) n * k).isGreaterThanOrEqualTo(Gemm.REUSE_ELEMENTS);
        Random random = new Random(transB ? 11 : 12);
        float[] x = Fixtures.gaussian(random, m * k, 1f), w = Fixtures.gaussian(random, n * k, 1f);
        try (ComputeDevice plain = open(simd, 0); ComputeDevice kept = open(simd, 1L << 30)) {
            Tensor wPlain = plain.upload(w, w.length), wKept = kept.upload(w, w.length);
            float[] expected = product(plain, x, wPlain, m, n, k, transB);
            assertThat(product(kept, x, wKept, m, n, k, transB)).containsExactly(expected);
            long bytes = CpuProfiling.packedWeightBytes(kept);
            assertThat(bytes).isEqualTo(4L * k * roundUp(n, tileCols(simd)));
            assertThat(product(kept, x, wKept, m, n, k, transB)).as("from the packed copy").containsExactly(expected);
            double[] magnitude = new double[m * n];
            double[] oracle = NaiveMath.matmul(x, w, m, n, k, false, transB, 1f, magnitude);
            for (int i = 0; i < m * n; i++) {
                assertThat((double) expected[i]).isCloseTo(oracle[i], Offset.offset(2e-5 * magnitude[i] + 1e-6));
            }

            plain.kernels().scale(wPlain, -0.5f, w.length); // an optimizer step on the weight, here a kernel's write
            kept.kernels().scale(wKept, -0.5f, w.length);
            float[] afterWrite = product(plain, x, wPlain, m, n, k, transB);
            assertThat(afterWrite[0]).isNotEqualTo(expected[0]);
            assertThat(product(kept, x, wKept, m, n, k, transB)).as("packed again after the write").containsExactly(afterWrite);
            assertThat(CpuProfiling.packedWeightBytes(kept)).as("into the same floats").isEqualTo(bytes);
            kept.free(wKept);
            assertThat(CpuProfiling.packedWeightBytes(kept)).isZero();
        }
    }

    /** {@code x op(W)}: W stored {@code [n, k]} when {@code transB}, else {@code [k, n]}. */
    private static float[] product(ComputeDevice device, float[] x, Tensor w, int m, int n, int k, boolean transB) {
        Tensor y = device.allocate(DType.F32, m, n);
        device.kernels().matmul(y, device.upload(x, m, k), w, m, n, k, false, transB, 1f, false);
        return device.download(y);
    }

    /** {@code x W^T} with W the BF16 values {@code w} from element 5 on when {@code w} is longer than {@code n * k}. */
    private static float[] forward(ComputeDevice device, float[] x, float[] w, int m, int n, int k) {
        Tensor all = device.allocate(DType.BF16, w.length);
        device.copyFromHost(w, 0, all, 0, w.length);
        Tensor wt = device.view(all, w.length - (long) n * k, n, k);
        Tensor y = device.allocate(DType.F32, m, n);
        device.kernels().matmul(y, device.upload(x, m, k), wt, m, n, k, false, true, 1f, false);
        return device.download(y);
    }

    private static int tileCols(boolean simd) {
        return (simd ? VectorApiSupport.select(true) : VectorApiSupport.select(false)).matmulTile().cols();
    }

    private static int roundUp(int a, int b) {
        return (a + b - 1) / b * b;
    }
}
