package com.mka1.bench.llama;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.util.Random;

/** Random initialisation of benchmark weights. */
final class Weights {
    private Weights() {}

    static Tensor random(ComputeDevice device, Random random, DType dtype, float std, int... shape) {
        Tensor t = device.allocate(dtype, shape);
        int n = Math.toIntExact(t.size());
        float[] chunk = new float[Math.min(n, 1 << 20)];
        for (int done = 0; done < n; done += chunk.length) {
            int len = Math.min(chunk.length, n - done);
            for (int i = 0; i < len; i++) chunk[i] = (float) random.nextGaussian() * std;
            device.copyFromHost(chunk, 0, t, done, len);
        }
        return t;
    }

    static Tensor constant(ComputeDevice device, float value, int... shape) {
        Tensor t = device.allocate(DType.F32, shape);
        device.kernels().fill(t, value, t.size());
        return t;
    }
}
