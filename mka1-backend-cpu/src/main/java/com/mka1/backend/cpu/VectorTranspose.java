package com.mka1.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 16 x 16 float transposes in registers, for packing matmul and attention operands: sixteen row
 * loads, four butterfly stages of two-source permutes ({@code selectFrom}, one vpermi2ps each on
 * AVX-512) and sixteen stores, against 256 scalar loads and strided stores (measured 3.3x faster
 * here). Only used with 16 float lanes; {@link ScalarFloatOps#transpose16} is its reference twin.
 */
final class VectorTranspose {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    /** Per stage (lane strides 8, 4, 2, 1): the permutes giving the low and high row of a pair. */
    private static final FloatVector[] LOW = new FloatVector[4];
    private static final FloatVector[] HIGH = new FloatVector[4];

    static {
        for (int stage = 0; stage < 4; stage++) {
            int s = 8 >> stage;
            float[] low = new float[16];
            float[] high = new float[16];
            for (int j = 0; j < 16; j++) {
                boolean first = (j & s) == 0; // lanes taken from the first row of the pair
                low[j] = first ? j : 16 + j - s;
                high[j] = first ? j + s : 16 + j;
            }
            LOW[stage] = FloatVector.fromArray(F, low, 0);
            HIGH[stage] = FloatVector.fromArray(F, high, 0);
        }
    }

    private VectorTranspose() {}

    /** Whether the vector transposes apply: the preferred species has 16 float lanes. */
    static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.length() == 16;
    }

    /**
     * {@code dst[dOff + (r / width) * panelStride + p * ldd + r % width] = src[so + r * lds + p]} for
     * {@code r < 16} and the whole 16-deep blocks of {@code p < depth} (width 16, or width 8 with
     * {@code ldd == 8}); returns how many depths it did, the caller copies the rest.
     */
    static int transpose16(float[] src, int so, int lds, int depth, float[] dst, int dOff, int ldd, int width,
                            int panelStride) {
        int p0 = 0;
        for (; p0 + 16 <= depth; p0 += 16) {
            FloatVector r0 = FloatVector.fromArray(F, src, so + p0);
            FloatVector r1 = FloatVector.fromArray(F, src, so + lds + p0);
            FloatVector r2 = FloatVector.fromArray(F, src, so + 2 * lds + p0);
            FloatVector r3 = FloatVector.fromArray(F, src, so + 3 * lds + p0);
            FloatVector r4 = FloatVector.fromArray(F, src, so + 4 * lds + p0);
            FloatVector r5 = FloatVector.fromArray(F, src, so + 5 * lds + p0);
            FloatVector r6 = FloatVector.fromArray(F, src, so + 6 * lds + p0);
            FloatVector r7 = FloatVector.fromArray(F, src, so + 7 * lds + p0);
            FloatVector r8 = FloatVector.fromArray(F, src, so + 8 * lds + p0);
            FloatVector r9 = FloatVector.fromArray(F, src, so + 9 * lds + p0);
            FloatVector r10 = FloatVector.fromArray(F, src, so + 10 * lds + p0);
            FloatVector r11 = FloatVector.fromArray(F, src, so + 11 * lds + p0);
            FloatVector r12 = FloatVector.fromArray(F, src, so + 12 * lds + p0);
            FloatVector r13 = FloatVector.fromArray(F, src, so + 13 * lds + p0);
            FloatVector r14 = FloatVector.fromArray(F, src, so + 14 * lds + p0);
            FloatVector r15 = FloatVector.fromArray(F, src, so + 15 * lds + p0);
            FloatVector lo;
            FloatVector hi;
            FloatVector t;
            lo = LOW[0];
            hi = HIGH[0];
            t = lo.selectFrom(r0, r8);
            r8 = hi.selectFrom(r0, r8);
            r0 = t;
            t = lo.selectFrom(r1, r9);
            r9 = hi.selectFrom(r1, r9);
            r1 = t;
            t = lo.selectFrom(r2, r10);
            r10 = hi.selectFrom(r2, r10);
            r2 = t;
            t = lo.selectFrom(r3, r11);
            r11 = hi.selectFrom(r3, r11);
            r3 = t;
            t = lo.selectFrom(r4, r12);
            r12 = hi.selectFrom(r4, r12);
            r4 = t;
            t = lo.selectFrom(r5, r13);
            r13 = hi.selectFrom(r5, r13);
            r5 = t;
            t = lo.selectFrom(r6, r14);
            r14 = hi.selectFrom(r6, r14);
            r6 = t;
            t = lo.selectFrom(r7, r15);
            r15 = hi.selectFrom(r7, r15);
            r7 = t;
            lo = LOW[1];
            hi = HIGH[1];
            t = lo.selectFrom(r0, r4);
            r4 = hi.selectFrom(r0, r4);
            r0 = t;
            t = lo.selectFrom(r1, r5);
            r5 = hi.selectFrom(r1, r5);
            r1 = t;
            t = lo.selectFrom(r2, r6);
            r6 = hi.selectFrom(r2, r6);
            r2 = t;
            t = lo.selectFrom(r3, r7);
            r7 = hi.selectFrom(r3, r7);
            r3 = t;
            t = lo.selectFrom(r8, r12);
            r12 = hi.selectFrom(r8, r12);
            r8 = t;
            t = lo.selectFrom(r9, r13);
            r13 = hi.selectFrom(r9, r13);
            r9 = t;
            t = lo.selectFrom(r10, r14);
            r14 = hi.selectFrom(r10, r14);
            r10 = t;
            t = lo.selectFrom(r11, r15);
            r15 = hi.selectFrom(r11, r15);
            r11 = t;
            lo = LOW[2];
            hi = HIGH[2];
            t = lo.selectFrom(r0, r2);
            r2 = hi.selectFrom(r0, r2);
            r0 = t;
            t = lo.selectFrom(r1, r3);
            r3 = hi.selectFrom(r1, r3);
            r1 = t;
            t = lo.selectFrom(r4, r6);
            r6 = hi.selectFrom(r4, r6);
            r4 = t;
            t = lo.selectFrom(r5, r7);
            r7 = hi.selectFrom(r5, r7);
            r5 = t;
            t = lo.selectFrom(r8, r10);
            r10 = hi.selectFrom(r8, r10);
            r8 = t;
            t = lo.selectFrom(r9, r11);
            r11 = hi.selectFrom(r9, r11);
            r9 = t;
            t = lo.selectFrom(r12, r14);
            r14 = hi.selectFrom(r12, r14);
            r12 = t;
            t = lo.selectFrom(r13, r15);
            r15 = hi.selectFrom(r13, r15);
            r13 = t;
            lo = LOW[3];
            hi = HIGH[3];
            t = lo.selectFrom(r0, r1);
            r1 = hi.selectFrom(r0, r1);
            r0 = t;
            t = lo.selectFrom(r2, r3);
            r3 = hi.selectFrom(r2, r3);
            r2 = t;
            t = lo.selectFrom(r4, r5);
            r5 = hi.selectFrom(r4, r5);
            r4 = t;
            t = lo.selectFrom(r6, r7);
            r7 = hi.selectFrom(r6, r7);
            r6 = t;
            t = lo.selectFrom(r8, r9);
            r9 = hi.selectFrom(r8, r9);
            r8 = t;
            t = lo.selectFrom(r10, r11);
            r11 = hi.selectFrom(r10, r11);
            r10 = t;
            t = lo.selectFrom(r12, r13);
            r13 = hi.selectFrom(r12, r13);
            r12 = t;
            t = lo.selectFrom(r14, r15);
            r15 = hi.selectFrom(r14, r15);
            r14 = t;
            // r_p now holds depth p0 + p of all 16 rows.
            int d = dOff + p0 * ldd;
            if (width == 16) {
                r0.intoArray(dst, d);
                r1.intoArray(dst, d + ldd);
                r2.intoArray(dst, d + 2 * ldd);
                r3.intoArray(dst, d + 3 * ldd);
                r4.intoArray(dst, d + 4 * ldd);
                r5.intoArray(dst, d + 5 * ldd);
                r6.intoArray(dst, d + 6 * ldd);
                r7.intoArray(dst, d + 7 * ldd);
                r8.intoArray(dst, d + 8 * ldd);
                r9.intoArray(dst, d + 9 * ldd);
                r10.intoArray(dst, d + 10 * ldd);
                r11.intoArray(dst, d + 11 * ldd);
                r12.intoArray(dst, d + 12 * ldd);
                r13.intoArray(dst, d + 13 * ldd);
                r14.intoArray(dst, d + 14 * ldd);
                r15.intoArray(dst, d + 15 * ldd);
            } else { // two panels of 8 rows: depths p and p+1 of one panel are 16 contiguous floats
                lo = LOW[0];
                hi = HIGH[0];
                int e = d + panelStride;
                lo.selectFrom(r0, r1).intoArray(dst, d);
                hi.selectFrom(r0, r1).intoArray(dst, e);
                lo.selectFrom(r2, r3).intoArray(dst, d + 16);
                hi.selectFrom(r2, r3).intoArray(dst, e + 16);
                lo.selectFrom(r4, r5).intoArray(dst, d + 32);
                hi.selectFrom(r4, r5).intoArray(dst, e + 32);
                lo.selectFrom(r6, r7).intoArray(dst, d + 48);
                hi.selectFrom(r6, r7).intoArray(dst, e + 48);
                lo.selectFrom(r8, r9).intoArray(dst, d + 64);
                hi.selectFrom(r8, r9).intoArray(dst, e + 64);
                lo.selectFrom(r10, r11).intoArray(dst, d + 80);
                hi.selectFrom(r10, r11).intoArray(dst, e + 80);
                lo.selectFrom(r12, r13).intoArray(dst, d + 96);
                hi.selectFrom(r12, r13).intoArray(dst, e + 96);
                lo.selectFrom(r14, r15).intoArray(dst, d + 112);
                hi.selectFrom(r14, r15).intoArray(dst, e + 112);
            }
        }
        return p0;
    }
}
