package com.mka1.backend.cpu;

/**
 * A register tile over packed panels, the innermost loop of matmul and attention:
 * {@code acc[r][c] = sum_p ap[apOff + p*rows() + r] * bp[bpOff + p*cols() + c]}, then
 * {@code C[r][c] = (overwrite ? 0 : C[r][c]) + alpha * acc[r][c]} for the full tile at
 * {@code c[cOff + r*ldc + col]}. Callers pack panels to the tile's shape and pad the edges.
 */
interface MicroKernel {

    /** Rows of the tile (broadcast side, packed A). */
    int rows();

    /** Columns of the tile (vector side, packed B). */
    int cols();

    void run(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff, int ldc, float alpha,
             boolean overwrite);
}
