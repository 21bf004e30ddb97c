package com.mka1.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 6 x (2 vectors) register tile: 12 accumulators, fits the 16 registers of AVX2 and leaves
 * AVX-512's free. Its 32 columns (on 16 lanes) match head dims of 32 and 64, so attention uses it.
 */
final class VectorTile6x2 implements MicroKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int ROWS = 6;
    private static final int COLS = 2 * L;

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
        FloatVector c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int ai = apOff;
        int bi = bpOff;
        for (int p = 0; p < kc; p++, ai += ROWS, bi += COLS) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector a = FloatVector.broadcast(F, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        // Written out rather than through a helper taking vectors: a helper that is not inlined
        // would box every vector and leave the intrinsics.
        FloatVector va = FloatVector.broadcast(F, alpha);
        if (overwrite) {
            c00.mul(va).intoArray(c, cOff);
            c01.mul(va).intoArray(c, cOff + L);
            c10.mul(va).intoArray(c, cOff + ldc);
            c11.mul(va).intoArray(c, cOff + ldc + L);
            c20.mul(va).intoArray(c, cOff + 2 * ldc);
            c21.mul(va).intoArray(c, cOff + 2 * ldc + L);
            c30.mul(va).intoArray(c, cOff + 3 * ldc);
            c31.mul(va).intoArray(c, cOff + 3 * ldc + L);
            c40.mul(va).intoArray(c, cOff + 4 * ldc);
            c41.mul(va).intoArray(c, cOff + 4 * ldc + L);
            c50.mul(va).intoArray(c, cOff + 5 * ldc);
            c51.mul(va).intoArray(c, cOff + 5 * ldc + L);
        } else {
            c00.fma(va, FloatVector.fromArray(F, c, cOff)).intoArray(c, cOff);
            c01.fma(va, FloatVector.fromArray(F, c, cOff + L)).intoArray(c, cOff + L);
            c10.fma(va, FloatVector.fromArray(F, c, cOff + ldc)).intoArray(c, cOff + ldc);
            c11.fma(va, FloatVector.fromArray(F, c, cOff + ldc + L)).intoArray(c, cOff + ldc + L);
            c20.fma(va, FloatVector.fromArray(F, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
            c21.fma(va, FloatVector.fromArray(F, c, cOff + 2 * ldc + L)).intoArray(c, cOff + 2 * ldc + L);
            c30.fma(va, FloatVector.fromArray(F, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
            c31.fma(va, FloatVector.fromArray(F, c, cOff + 3 * ldc + L)).intoArray(c, cOff + 3 * ldc + L);
            c40.fma(va, FloatVector.fromArray(F, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
            c41.fma(va, FloatVector.fromArray(F, c, cOff + 4 * ldc + L)).intoArray(c, cOff + 4 * ldc + L);
            c50.fma(va, FloatVector.fromArray(F, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
            c51.fma(va, FloatVector.fromArray(F, c, cOff + 5 * ldc + L)).intoArray(c, cOff + 5 * ldc + L);
        }
    }
}
