package com.mka1.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * An 8 x (3 vectors) register tile for AVX-512's 32 registers: 24 accumulators, 3 loads and 8
 * broadcasts per 24 FMAs (against 8 per 12 for {@link VectorTile6x2}). 8 x 48 divides the
 * token counts and widths of SmolLM-class models (512, 576, 1536, 49152) without ragged edges.
 */
final class VectorTile8x3 implements MicroKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int ROWS = 8;
    private static final int COLS = 3 * L;

    @Override
    public int rows() {
        return ROWS;
    }

    @Override
    public int cols() {
        return COLS;
    }

    @Override
    public void run(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff, int ldc, float alpha,
                    boolean overwrite) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00;
        FloatVector c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00, c40 = c00;
        FloatVector c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00, c60 = c00;
        FloatVector c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
        int ai = apOff;
        int bi = bpOff;
        for (int p = 0; p < kc; p++, ai += ROWS, bi += COLS) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
            FloatVector a = FloatVector.broadcast(F, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            a = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            a = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            a = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            a = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            a = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            c52 = a.fma(b2, c52);
            a = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            c62 = a.fma(b2, c62);
            a = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            c72 = a.fma(b2, c72);
        }
        // Written out rather than through a helper taking vectors: a helper that is not inlined
        // would box every vector and leave the intrinsics.
        FloatVector va = FloatVector.broadcast(F, alpha);
        if (overwrite) {
            c00.mul(va).intoArray(c, cOff);
            c01.mul(va).intoArray(c, cOff + L);
            c02.mul(va).intoArray(c, cOff + 2 * L);
            c10.mul(va).intoArray(c, cOff + ldc);
            c11.mul(va).intoArray(c, cOff + ldc + L);
            c12.mul(va).intoArray(c, cOff + ldc + 2 * L);
            c20.mul(va).intoArray(c, cOff + 2 * ldc);
            c21.mul(va).intoArray(c, cOff + 2 * ldc + L);
            c22.mul(va).intoArray(c, cOff + 2 * ldc + 2 * L);
            c30.mul(va).intoArray(c, cOff + 3 * ldc);
            c31.mul(va).intoArray(c, cOff + 3 * ldc + L);
            c32.mul(va).intoArray(c, cOff + 3 * ldc + 2 * L);
            c40.mul(va).intoArray(c, cOff + 4 * ldc);
            c41.mul(va).intoArray(c, cOff + 4 * ldc + L);
            c42.mul(va).intoArray(c, cOff + 4 * ldc + 2 * L);
            c50.mul(va).intoArray(c, cOff + 5 * ldc);
            c51.mul(va).intoArray(c, cOff + 5 * ldc + L);
            c52.mul(va).intoArray(c, cOff + 5 * ldc + 2 * L);
            c60.mul(va).intoArray(c, cOff + 6 * ldc);
            c61.mul(va).intoArray(c, cOff + 6 * ldc + L);
            c62.mul(va).intoArray(c, cOff + 6 * ldc + 2 * L);
            c70.mul(va).intoArray(c, cOff + 7 * ldc);
            c71.mul(va).intoArray(c, cOff + 7 * ldc + L);
            c72.mul(va).intoArray(c, cOff + 7 * ldc + 2 * L);
        } else {
            c00.fma(va, FloatVector.fromArray(F, c, cOff)).intoArray(c, cOff);
            c01.fma(va, FloatVector.fromArray(F, c, cOff + L)).intoArray(c, cOff + L);
            c02.fma(va, FloatVector.fromArray(F, c, cOff + 2 * L)).intoArray(c, cOff + 2 * L);
            c10.fma(va, FloatVector.fromArray(F, c, cOff + ldc)).intoArray(c, cOff + ldc);
            c11.fma(va, FloatVector.fromArray(F, c, cOff + ldc + L)).intoArray(c, cOff + ldc + L);
            c12.fma(va, FloatVector.fromArray(F, c, cOff + ldc + 2 * L)).intoArray(c, cOff + ldc + 2 * L);
            c20.fma(va, FloatVector.fromArray(F, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
            c21.fma(va, FloatVector.fromArray(F, c, cOff + 2 * ldc + L)).intoArray(c, cOff + 2 * ldc + L);
            c22.fma(va, FloatVector.fromArray(F, c, cOff + 2 * ldc + 2 * L)).intoArray(c, cOff + 2 * ldc + 2 * L);
            c30.fma(va, FloatVector.fromArray(F, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
            c31.fma(va, FloatVector.fromArray(F, c, cOff + 3 * ldc + L)).intoArray(c, cOff + 3 * ldc + L);
            c32.fma(va, FloatVector.fromArray(F, c, cOff + 3 * ldc + 2 * L)).intoArray(c, cOff + 3 * ldc + 2 * L);
            c40.fma(va, FloatVector.fromArray(F, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
            c41.fma(va, FloatVector.fromArray(F, c, cOff + 4 * ldc + L)).intoArray(c, cOff + 4 * ldc + L);
            c42.fma(va, FloatVector.fromArray(F, c, cOff + 4 * ldc + 2 * L)).intoArray(c, cOff + 4 * ldc + 2 * L);
            c50.fma(va, FloatVector.fromArray(F, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
            c51.fma(va, FloatVector.fromArray(F, c, cOff + 5 * ldc + L)).intoArray(c, cOff + 5 * ldc + L);
            c52.fma(va, FloatVector.fromArray(F, c, cOff + 5 * ldc + 2 * L)).intoArray(c, cOff + 5 * ldc + 2 * L);
            c60.fma(va, FloatVector.fromArray(F, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
            c61.fma(va, FloatVector.fromArray(F, c, cOff + 6 * ldc + L)).intoArray(c, cOff + 6 * ldc + L);
            c62.fma(va, FloatVector.fromArray(F, c, cOff + 6 * ldc + 2 * L)).intoArray(c, cOff + 6 * ldc + 2 * L);
            c70.fma(va, FloatVector.fromArray(F, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
            c71.fma(va, FloatVector.fromArray(F, c, cOff + 7 * ldc + L)).intoArray(c, cOff + 7 * ldc + L);
            c72.fma(va, FloatVector.fromArray(F, c, cOff + 7 * ldc + 2 * L)).intoArray(c, cOff + 7 * ldc + 2 * L);
        }
    }
}
