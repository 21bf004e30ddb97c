package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each vector register tile against its plain-loop twin ({@link ScalarMicroKernel} of the same shape)
 * on random panels, at depths around the unroll and with the tile inside a wider C (ldc > cols).
 * Tolerance 1e-5 relative to {@code sum |a b|}: both sum in float, in the same order up to FMA rounding.
 */
class MicroKernelTest {

    static Stream<Arguments> tiles() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (MicroKernel tile : new MicroKernel[] {new VectorTile6x2(), new VectorTile8x3()}) {
            for (int kc : new int[] {0, 1, 7, 256}) {
                for (boolean overwrite : new boolean[] {true, false}) cases.add(Arguments.of(tile.getClass().getSimpleName(), tile, kc, overwrite));
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} kc={2} overwrite={3}")
    @MethodSource("tiles")
    void vectorTileMatchesScalarTwin(String name, MicroKernel tile, int kc, boolean overwrite) {
        int rows = tile.rows();
        int cols = tile.cols();
        Random random = new Random(97L * rows + kc);
        int apOff = 3;
        int bpOff = 5;
        int ldc = cols + 7;
        int cOff = 2;
        float[] ap = Fixtures.gaussian(random, apOff + kc * rows, 1f);
        float[] bp = Fixtures.gaussian(random, bpOff + kc * cols, 1f);
        float[] c0 = Fixtures.gaussian(random, cOff + rows * ldc, 1f);
        float[] got = c0.clone();
        float[] want = c0.clone();
        tile.run(kc, ap, apOff, bp, bpOff, got, cOff, ldc, 0.75f, overwrite);
        new ScalarMicroKernel(rows, cols).run(kc, ap, apOff, bp, bpOff, want, cOff, ldc, 0.75f, overwrite);
        for (int i = 0; i < got.length; i++) {
            int r = (i - cOff) / ldc;
            int col = (i - cOff) % ldc;
            boolean inTile = i >= cOff && r < rows && col < cols;
            if (!inTile) {
                assertThat(got[i]).as("outside the tile, index %d", i).isEqualTo(c0[i]);
                continue;
            }
            double scale = 0;
            for (int p = 0; p < kc; p++) scale += Math.abs(ap[apOff + p * rows + r] * bp[bpOff + p * cols + col]);
            assertThat(got[i]).as("C[%d][%d]", r, col).isCloseTo(want[i], within((float) (1e-5 * (scale + 1))));
        }
        if (kc > 0 && overwrite) assertThat(got[cOff]).isNotEqualTo(c0[cOff]);
    }
}
