package com.mka1.backend.cuda;

import java.util.Random;

/** Seeded random kernel inputs for the GPU tests: Gaussian floats, bounded ints, packed-row segments. */
final class RandomInputs {
    private final Random random;

    RandomInputs(long seed) {
        this.random = new Random(seed);
    }

    float[] gaussian(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }

    int[] ints(int n, int bound) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = random.nextInt(bound);
        return x;
    }

    /**
     * Packed-row segment starts: each row of kvLen keys holds examples that start at a key with
     * probability {@code 1 / meanLength}; query i (at key position kvLen - qLen + i) gets the first
     * key of its example.
     */
    int[] segments(int batch, int qLen, int kvLen, int meanLength) {
        int[] seg = new int[batch * qLen];
        for (int b = 0; b < batch; b++) {
            int[] startOf = new int[kvLen];
            int start = 0;
            for (int j = 0; j < kvLen; j++) {
                if (j > 0 && random.nextInt(meanLength) == 0) start = j;
                startOf[j] = start;
            }
            for (int i = 0; i < qLen; i++) seg[b * qLen + i] = startOf[kvLen - qLen + i];
        }
        return seg;
    }
}
