package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The opt-in packing clock: off by default, counting when asked, and never changing a result. */
class CpuProfilingTest {

    @Test
    void packingIsClockedOnlyWhenProfilingAndResultsAreTheSame() {
        Random random = new Random(3);
        int m = 37, n = 53, k = 301; // packed path (more than a tile's columns), depth across two blocks
        float[] a = Fixtures.gaussian(random, m * k, 1f), b = Fixtures.gaussian(random, k * n, 1f);
        try (ComputeDevice plain = Fixtures.open(true, 2);
             ComputeDevice profiled = new CpuBackend().open(new BackendOptions(2, 0, Map.of(CpuBackend.PROFILE_OPTION, "true")))) {
            assertThat(CpuProfiling.packingNanos(plain)).isEmpty();
            assertThat(CpuProfiling.packingNanos(profiled)).hasValue(0);
            assertThat(CpuProfiling.threads(profiled)).isEqualTo(2);
            float[] expected = multiply(plain, a, b, m, n, k);
            float[] actual = multiply(profiled, a, b, m, n, k);
            assertThat(actual).containsExactly(expected);
            assertThat(CpuProfiling.packingNanos(profiled).orElseThrow()).isPositive();
        }
    }

    private static float[] multiply(ComputeDevice device, float[] a, float[] b, int m, int n, int k) {
        Tensor ta = device.upload(a, m, k), tb = device.upload(b, k, n), tc = device.allocate(com.mka1.spi.DType.F32, m, n);
        device.kernels().matmul(tc, ta, tb, m, n, k, false, false, 1f, false);
        return device.download(tc);
    }
}
