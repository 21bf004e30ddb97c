package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * The tensor-core flash attention kernels ({@code cuda.attention=flash}) against the reference
 * backend: odd lengths (partial 64-row tiles), GQA groups of 1, 4 and 8, packed segments, fewer
 * queries than keys, head dims 64 and 128. Q, K, V, P and dS are rounded to BF16 inside the
 * kernels, so each output is compared by ||out - ref|| / ||ref|| against 1.5e-2 (BF16's unit
 * roundoff is 3.9e-3; softmax averages it down).
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlashAttentionGpuTest {
    private static final double TOLERANCE = 1.5e-2;
    private final RandomInputs random = new RandomInputs(2026_12_07);
    private ComputeDevice reference;
    private ComputeDevice flash;

    @BeforeAll
    void open() {
        reference = BackendUnderTest.openOracle();
        flash = BackendUnderTest.open("cuda", new BackendOptions(0, 0, Map.of(FlashAttention.OPTION, "flash")));
        assertThat(flash.description()).endsWith(", flash attention");
    }

    @AfterAll
    void close() {
        if (flash != null) flash.close();
        if (reference != null) reference.close();
    }

    @ParameterizedTest(name = "batch={0} qLen={1} kvLen={2} heads={3} kvHeads={4} headDim={5}")
    @CsvSource({"2, 77, 77, 8, 2, 64", "1, 200, 200, 4, 4, 128", "1, 33, 100, 8, 1, 64", "2, 129, 129, 32, 8, 64",
            "1, 64, 64, 2, 1, 128", "1, 1000, 1000, 4, 1, 128"})
    void forwardMatchesTheReference(int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim) {
        AttentionCase c = AttentionCase.random(random, batch, qLen, kvLen, heads, kvHeads, headDim, 50);
        compare("flash forward", c::forward);
    }

    @ParameterizedTest(name = "batch={0} seqLen={1} heads={2} kvHeads={3} headDim={4}")
    @CsvSource({"2, 77, 8, 2, 64", "1, 200, 4, 4, 128", "2, 129, 32, 8, 64", "1, 130, 2, 1, 128", "1, 1000, 4, 1, 64"})
    void backwardMatchesTheReference(int batch, int seqLen, int heads, int kvHeads, int headDim) {
        AttentionCase c = AttentionCase.random(random, batch, seqLen, seqLen, heads, kvHeads, headDim, 50).withGradients(random);
        compare("flash backward", c::backward);
    }

    private void compare(String what, Function<ComputeDevice, float[][]> kernelCase) {
        float[][] expected = kernelCase.apply(reference), actual = kernelCase.apply(flash);
        for (int o = 0; o < expected.length; o++) {
            double diff = 0, norm = 0;
            for (int i = 0; i < expected[o].length; i++) {
                assertThat(actual[o][i]).as("%s output %d element %d", what, o, i).isFinite();
                diff += Math.pow((double) actual[o][i] - expected[o][i], 2);
                norm += Math.pow(expected[o][i], 2);
            }
            assertThat(Math.sqrt(diff / norm)).as("%s output %d: ||out - ref|| / ||ref||", what, o).isLessThanOrEqualTo(TOLERANCE);
        }
    }
}
