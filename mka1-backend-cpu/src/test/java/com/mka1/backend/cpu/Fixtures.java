package com.mka1.backend.cpu;

import com.mka1.spi.Bf16;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Devices, random data and the shared stories260k model used by this module's tests. */
final class Fixtures {
    private Fixtures() {}

    /** ../shared's stories260k; fails naming the directory when it is missing. */
    static Path stories() {
        String prop = System.getProperty("mka1.shared.dir");
        Path dir = (prop != null ? Path.of(prop) : Path.of("..", "..", "shared")).resolve("models/stories260k");
        if (!Files.isDirectory(dir)) throw new IllegalStateException("missing shared fixture: " + dir.toAbsolutePath().normalize());
        return dir;
    }

    /** A cpu device with SIMD on or forced off, and the given thread count. */
    static ComputeDevice open(boolean simd, int threads) {
        return new CpuBackend().open(new BackendOptions(threads, 0,
                Map.of(CpuBackend.SIMD_OPTION, Boolean.toString(simd))));
    }

    static float[] gaussian(Random random, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian() * scale;
        return x;
    }

    /** Floats that are exactly representable in bfloat16 (so widened BF16 equals the F32 input). */
    static float[] bf16Exact(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Bf16.toFloat(Bf16.fromFloat(x[i]));
        return y;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
