package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matmul in every transpose form against a double-precision triple loop. Tolerance: 2e-5 times
 * {@code sum |a_ip b_pj|} per element (float accumulation, reordered sums), plus 1e-6 absolute.
 */
class MatmulTest {

    /**
     * m, n, k: odd sizes, one row, one column, sizes straddling the tiles (8 x 48, 4 x 8 scalar) and
     * blocks (KC 256, MC 1536, NC 768), few-column (LoRA rank) products (with a transposed A: computed
     * transposed, {97, 8, 130} and {300, 17, 61}), and few outputs over a long
     * depth (split across threads by depth, a partial KC block last: {@link #theLongDepthShapesSplitTheDepth}).
     */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 77, 65}, {3, 129, 40}, {7, 1, 300}, {33, 47, 19}, {6, 32, 16},
            {1543, 40, 20}, {13, 770, 31}, {8, 40, 513}, {64, 96, 257}, {8, 48, 16}, {9, 49, 17}, {17, 97, 300},
            {64, 8, 576}, {100, 23, 37}, {5, 16, 1000}, {24, 50, 28001}, {130, 96, 2731}, {97, 8, 130}, {300, 17, 61}};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean simd : new boolean[] {true, false}) {
            for (int[] s : SHAPES) {
                for (int form = 0; form < 4; form++) {
                    cases.add(Arguments.of(simd, s[0], s[1], s[2], (form & 1) != 0, (form & 2) != 0));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "simd={0} m={1} n={2} k={3} transA={4} transB={5}")
    @MethodSource("cases")
    void matchesTripleLoopInEveryForm(boolean simd, int m, int n, int k, boolean transA, boolean transB) {
        Random random = new Random(31L * m + 7L * n + k);
        float[] a = Fixtures.gaussian(random, m * k, 1f);
        float[] b = Fixtures.gaussian(random, k * n, 1f);
        float[] c0 = Fixtures.gaussian(random, m * n, 1f);
        try (ComputeDevice device = Fixtures.open(simd, 3)) {
            check(device, DType.F32, a, b, c0, m, n, k, transA, transB, 1f, false);
            check(device, DType.F32, a, b, c0, m, n, k, transA, transB, -0.5f, true);
            check(device, DType.BF16, a, Fixtures.bf16Exact(b), c0, m, n, k, transA, transB, 0.25f, true);
        }
    }

    private static void check(ComputeDevice device, DType bType, float[] a, float[] b, float[] c0, int m, int n, int k,
                              boolean transA, boolean transB, float alpha, boolean accumulate) {
        Tensor at = device.upload(a, a.length);
        Tensor bt = device.allocate(bType, b.length);
        device.copyFromHost(b, 0, bt, 0, b.length);
        Tensor ct = device.upload(c0, c0.length);
        device.kernels().matmul(ct, at, bt, m, n, k, transA, transB, alpha, accumulate);
        float[] got = device.download(ct);
        double[] magnitude = new double[m * n];
        double[] want = NaiveMath.matmul(a, b, m, n, k, transA, transB, alpha, magnitude);
        for (int i = 0; i < m * n; i++) {
            double expected = want[i] + (accumulate ? c0[i] : 0);
            double tolerance = 2e-5 * magnitude[i] + 1e-6 * (1 + Math.abs(expected));
            assertThat((double) got[i]).as("C[%d,%d] with B %s", i / n, i % n, bType)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void theLongDepthShapesSplitTheDepth(boolean simd) {
        try (Parallel three = new Parallel(3)) {
            Gemm gemm = new Gemm(VectorApiSupport.select(simd), three, new PackingClock(false), new PackedWeights(0), true);
            assertThat(gemm.split(24, 50, 28001, false, false)).isEqualTo(Gemm.Split.DEPTH);
            assertThat(gemm.split(130, 96, 2731, false, false)).isEqualTo(Gemm.Split.DEPTH);
            assertThat(gemm.split(130, 96, 2731, false, true)).as("B already packed").isNotEqualTo(Gemm.Split.DEPTH);
            assertThat(gemm.split(24, 50, 1100, false, false)).as("too little work").isNotEqualTo(Gemm.Split.DEPTH);
            assertThat(gemm.split(512, 576, 576, false, false)).as("many outputs").isNotEqualTo(Gemm.Split.DEPTH);
        }
        if (!simd) return; // the training shapes on the 8 x 48 tile (tinystories: 2048 tokens, 288 wide, LM head chunks of 128)
        try (Parallel two = new Parallel(2)) {
            Gemm gemm = new Gemm(VectorApiSupport.select(simd), two, new PackingClock(false), new PackedWeights(0), true);
            assertThat(gemm.split(128, 288, 32000, false, false)).isEqualTo(Gemm.Split.DEPTH);
            assertThat(gemm.split(288, 288, 2048, false, false)).isEqualTo(Gemm.Split.DEPTH);
            assertThat(gemm.split(2048, 288, 288, false, false)).isEqualTo(Gemm.Split.ROWS);
            assertThat(gemm.split(128, 288, 288, false, false)).as("a prefill's projection").isEqualTo(Gemm.Split.ROWS);
            assertThat(gemm.split(128, 32000, 288, false, false)).isEqualTo(Gemm.Split.COLUMNS);
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void leavesElementsBeyondTheOutputAndInViewsUntouched(boolean simd) {
        Random random = new Random(5);
        int m = 7;
        int n = 35;
        int k = 9;
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor base = device.allocate(DType.F32, 3 + m * n + 4);
            device.kernels().fill(base, 9f, base.size());
            Tensor c = device.view(base, 3, m, n);
            float[] a = Fixtures.gaussian(random, m * k, 1f);
            float[] b = Fixtures.gaussian(random, n * k, 1f);
            device.kernels().matmul(c, device.upload(a, m, k), device.upload(b, n, k), m, n, k, false, true, 1f, false);
            float[] all = device.download(base);
            double[] magnitude = new double[m * n];
            double[] want = NaiveMath.matmul(a, b, m, n, k, false, true, 1f, magnitude);
            assertThat(new float[] {all[0], all[1], all[2], all[all.length - 4], all[all.length - 1]})
                    .containsOnly(9f);
            for (int i = 0; i < m * n; i++) {
                assertThat((double) all[3 + i]).isCloseTo(want[i], org.assertj.core.data.Offset.offset(2e-5 * magnitude[i] + 1e-6));
            }
        }
    }
}
