package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;

/**
 * Each {@code cuda.matmul} path against the reference backend, on shapes with ragged tile edges,
 * on the mka1 kernels ({@code cuda.gemm=kernels}) and through cuBLASLt ({@code cuda.gemm=cublaslt}:
 * fails, naming what was searched, where the library cannot be found). cuBLASLt must take every
 * shape whose dimensions are multiples of 8; others it may leave to the kernels.
 */
@Tag("gpu")
class MatmulPathsGpuTest {

    // Tolerances on ||out - ref|| / ||ref||: twice what rounding the operands predicts (an emulation
    // in float64 of these shapes gives tf32 2.9e-4, bf16 2.3e-3, blocked fp32 sums 3e-7); 3xtf32 must match
    // fp32, which catches the tensor cores' round-toward-zero sums drifting as k grows.
    @ParameterizedTest(name = "{0}: m={1} n={2} k={3} transA={4} transB={5} {6}")
    @CsvSource({
            "fp32, 300, 200, 576, false, true, F32, 2e-6",
            "3xtf32, 300, 200, 576, false, true, F32, 2e-6",
            "3xtf32, 129, 65, 33, true, false, F32, 2e-6",
            "3xtf32, 77, 150, 1536, false, false, BF16, 2e-6",
            "3xtf32, 576, 1536, 512, true, false, F32, 2e-6",
            "tf32, 300, 200, 576, false, true, F32, 6e-4",
            "tf32, 129, 65, 33, true, true, BF16, 6e-4",
            "bf16, 300, 200, 576, false, true, F32, 5e-3",
            "bf16, 129, 65, 33, true, false, BF16, 5e-3",
            "bf16, 576, 1536, 512, true, true, F32, 5e-3",
            // split K: LoRA's rank-sized products and a weight gradient (few output tiles, long k)
            "3xtf32, 8, 576, 4096, true, false, F32, 2e-6",
            "3xtf32, 1536, 8, 4096, true, false, F32, 2e-6",
            "tf32, 4096, 8, 576, false, true, BF16, 6e-4",
            "bf16, 576, 576, 4000, true, false, F32, 5e-3",
            "bf16, 8, 192, 4100, true, false, BF16, 5e-3",
            // odd shapes, and the 1B model's projections (hidden 2048) at 256 tokens
            "3xtf32, 33, 17, 9, false, true, F32, 2e-6",
            "tf32, 31, 45, 127, true, true, F32, 6e-4",
            "bf16, 37, 29, 51, false, false, BF16, 5e-3",
            "bf16, 256, 2048, 2048, false, true, BF16, 5e-3",
            "bf16, 256, 1024, 2048, false, true, F32, 5e-3",
            "bf16, 2048, 1024, 256, true, false, F32, 5e-3",
    })
    void agreesWithTheReference(String path, int m, int n, int k, boolean transA, boolean transB, DType bType,
                                float tolerance) {
        Random random = new Random(m * 31L + n * 7L + k);
        float[] a = gaussian(random, m * k), b = gaussian(random, k * n), c = gaussian(random, m * n);
        float[] expected;
        try (ComputeDevice reference = BackendUnderTest.openOracle()) {
            expected = run(reference, a, b, c, m, n, k, transA, transB, bType);
        }
        for (String gemm : new String[] {"kernels", "cublaslt"}) {
            try (ComputeDevice cuda = BackendUnderTest.open("cuda",
                    new BackendOptions(0, 0, Map.of(MatmulPath.OPTION, path, GemmEngine.OPTION, gemm)))) {
                assertThat(cuda.description()).contains("matmul " + path + ", GEMM " + (gemm.equals("kernels") ? "mka1" : "cuBLASLt"));
                float[] actual = run(cuda, a, b, c, m, n, k, transA, transB, bType);
                long viaLibrary = ((CudaKernels) cuda.kernels()).gemmMatmuls();
                if (gemm.equals("kernels")) assertThat(viaLibrary).isZero();
                else if (m % 8 == 0 && n % 8 == 0 && k % 8 == 0 && m > 8) assertThat(viaLibrary).as("matmuls through cuBLASLt").isEqualTo(1);
                assertClose(expected, actual, path + " on " + gemm + (viaLibrary > 0 ? " (cuBLASLt)" : " (kernels)"), tolerance);
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String path, float tolerance) {
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("matmul %s: element %d", path, i).isFinite();
            diff += Math.pow((double) actual[i] - expected[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        assertThat(Math.sqrt(diff / norm)).as("matmul %s: ||out - ref|| / ||ref||", path).isLessThanOrEqualTo(tolerance);
    }

    private static float[] run(ComputeDevice dev, float[] a, float[] b, float[] c, int m, int n, int k,
                               boolean transA, boolean transB, DType bType) {
        Tensor tc = dev.upload(c, m, n), ta = dev.upload(a, transA ? k : m, transA ? m : k);
        Tensor tb = dev.allocate(bType, transB ? n : k, transB ? k : n);
        dev.copyFromHost(b, 0, tb, 0, b.length);
        dev.kernels().matmul(tc, ta, tb, m, n, k, transA, transB, -1.5f, true);
        return dev.download(tc);
    }

    private static float[] gaussian(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
