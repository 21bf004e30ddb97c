package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 16-row packing transpose of {@link VectorFloatOps} against its scalar twin, bit for bit (it
 * only moves values), at depths below, at and around the 16-deep register block, with offsets and
 * in both output layouts (one 16-wide panel inside a wider one; two 8-row panels).
 */
class TransposeTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (int depth : new int[] {0, 5, 16, 37, 256}) {
            cases.add(Arguments.of(depth, 16, 48, 0));
            cases.add(Arguments.of(depth, 8, 8, 8 * depth + 3));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "depth={0} width={1} ldd={2} panelStride={3}")
    @MethodSource("cases")
    void vectorTransposeMatchesScalarTwin(int depth, int width, int ldd, int panelStride) {
        Random random = new Random(depth * 31L + width);
        int lds = depth + 11;
        int so = 7;
        int dOff = 5;
        float[] src = Fixtures.gaussian(random, so + 16 * lds, 1f);
        int dstLength = dOff + panelStride + depth * ldd + 48;
        float[] got = new float[dstLength];
        float[] want = new float[dstLength];
        Arrays.fill(got, Float.NaN);
        Arrays.fill(want, Float.NaN);
        new VectorFloatOps().transpose16(src, so, lds, depth, got, dOff, ldd, width, panelStride);
        new ScalarFloatOps().transpose16(src, so, lds, depth, want, dOff, ldd, width, panelStride);
        assertThat(got).containsExactly(want);
        if (depth > 0) { // the twin itself: row 13, depth 1
            int d = dOff + (13 / width) * panelStride + ldd + 13 % width;
            assertThat(want[d]).isEqualTo(src[so + 13 * lds + 1]);
        }
    }
}
