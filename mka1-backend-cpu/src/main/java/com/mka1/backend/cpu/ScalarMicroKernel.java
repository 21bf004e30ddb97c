package com.mka1.backend.cpu;

/** Plain-loop {@link MicroKernel} of any shape: the reference twin of the vector tiles. */
record ScalarMicroKernel(int rows, int cols) implements MicroKernel {

    @Override
    public void run(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff, int ldc, float alpha,
                    boolean overwrite) {
        float[] acc = new float[rows * cols];
        for (int p = 0; p < kc; p++) {
            int ai = apOff + p * rows;
            int bi = bpOff + p * cols;
            for (int r = 0; r < rows; r++) {
                float a = ap[ai + r];
                for (int col = 0; col < cols; col++) acc[r * cols + col] += a * bp[bi + col];
            }
        }
        for (int r = 0; r < rows; r++) {
            int row = cOff + r * ldc;
            for (int col = 0; col < cols; col++) {
                float v = alpha * acc[r * cols + col];
                c[row + col] = overwrite ? v : c[row + col] + v;
            }
        }
    }
}
