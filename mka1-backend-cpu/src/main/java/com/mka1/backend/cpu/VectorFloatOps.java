package com.mka1.backend.cpu;

import com.mka1.spi.Bf16;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatOps} on the JDK Vector API with the preferred float species (16 lanes on AVX-512):
 * fused multiply-add into several independent accumulators, one lane reduction at the end and a
 * scalar tail. Only loaded when the jdk.incubator.vector module is resolved (see {@link VectorApiSupport}).
 */
final class VectorFloatOps implements FloatOps {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Shorts matching one float vector, widened through ints of the float vector's width. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());

    private final FloatOps scalar = new ScalarFloatOps();

    @Override
    public String description() {
        return "Vector API, " + F.vectorBitSize() + "-bit, " + L + " float lanes";
    }

    /** On 16 lanes (AVX-512: 32 registers) matmul takes the wider tile; AVX2's 16 registers fit 6 x 2 only. */
    private final MicroKernel matmulTile = L >= 16 ? new VectorTile8x3() : new VectorTile6x2();
    private final MicroKernel attentionTile = new VectorTile6x2();

    @Override
    public MicroKernel matmulTile() {
        return matmulTile;
    }

    @Override
    public MicroKernel attentionTile() {
        return attentionTile;
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int end = n - 4 * L; i <= end; i += 4 * L) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
            s1 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, b, bo + i + L), s1);
            s2 = FloatVector.fromArray(F, a, ao + i + 2 * L).fma(FloatVector.fromArray(F, b, bo + i + 2 * L), s2);
            s3 = FloatVector.fromArray(F, a, ao + i + 3 * L).fma(FloatVector.fromArray(F, b, bo + i + 3 * L), s3);
        }
        for (int end = n - L; i <= end; i += L) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Override
    public float dotBf16(float[] a, int ao, short[] b, int bo, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        int i = 0;
        for (int end = n - 2 * L; i <= end; i += 2 * L) {
            // bf16 -> f32: widen the 16-bit patterns to ints and shift them into the high half
            FloatVector w0 = ShortVector.fromArray(S, b, bo + i).convertShape(VectorOperators.S2I, I, 0)
                    .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector w1 = ShortVector.fromArray(S, b, bo + i + L).convertShape(VectorOperators.S2I, I, 0)
                    .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            s0 = FloatVector.fromArray(F, a, ao + i).fma(w0, s0);
            s1 = FloatVector.fromArray(F, a, ao + i + L).fma(w1, s1);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * Bf16.toFloat(b[bo + i]);
        return s;
    }

    @Override
    public void widenBf16(short[] src, int so, float[] dst, int dOff, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            ShortVector.fromArray(S, src, so + i).convertShape(VectorOperators.S2I, I, 0)
                    .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dOff + i);
        }
        for (; i < n; i++) dst[dOff + i] = Bf16.toFloat(src[so + i]);
    }

    @Override
    public void transpose16(float[] src, int so, int lds, int depth, float[] dst, int dOff, int ldd, int width,
                            int panelStride) {
        int done = VectorTranspose.supported()
                ? VectorTranspose.transpose16(src, so, lds, depth, dst, dOff, ldd, width, panelStride) : 0;
        scalar.transpose16(src, so + done, lds, depth - done, dst, dOff + done * ldd, ldd, width, panelStride);
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            va.fma(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    @Override
    public void scale(float[] x, int xo, float alpha, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(F, x, xo + i).mul(alpha).intoArray(x, xo + i);
        }
        for (; i < n; i++) x[xo + i] *= alpha;
    }

    @Override
    public void fill(float[] x, int xo, float value, int n) {
        java.util.Arrays.fill(x, xo, xo + n, value);
    }

    @Override
    public void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(F, a, ao + i).add(FloatVector.fromArray(F, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    @Override
    public void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(F, a, ao + i).mul(FloatVector.fromArray(F, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    @Override
    public void mulScaled(float[] x, int xo, float[] w, int wo, float s, float[] out, int oo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(F, x, xo + i).mul(s).mul(FloatVector.fromArray(F, w, wo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = x[xo + i] * s * w[wo + i];
    }

    @Override
    public float dot3(float[] a, int ao, float[] b, int bo, float[] c, int co, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        int i = 0;
        for (int end = n - 2 * L; i <= end; i += 2 * L) {
            s0 = FloatVector.fromArray(F, a, ao + i).mul(FloatVector.fromArray(F, b, bo + i))
                    .fma(FloatVector.fromArray(F, c, co + i), s0);
            s1 = FloatVector.fromArray(F, a, ao + i + L).mul(FloatVector.fromArray(F, b, bo + i + L))
                    .fma(FloatVector.fromArray(F, c, co + i + L), s1);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * b[bo + i] * c[co + i];
        return s;
    }

    @Override
    public void rmsnormBackwardRow(float[] dx, int dxo, float[] dout, int doo, float[] w, int wo,
                                   float[] x, int xo, float s, float coef, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector t = FloatVector.fromArray(F, w, wo + i).mul(FloatVector.fromArray(F, dout, doo + i)).mul(s);
            FloatVector.fromArray(F, x, xo + i).mul(-coef).add(t).add(FloatVector.fromArray(F, dx, dxo + i))
                    .intoArray(dx, dxo + i);
        }
        for (; i < n; i++) dx[dxo + i] += s * w[wo + i] * dout[doo + i] - coef * x[xo + i];
    }

    @Override
    public void mulAccumulate(float[] dout, int doo, float[] x, int xo, float s, float[] dw, int dwo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(F, dout, doo + i).mul(FloatVector.fromArray(F, x, xo + i)).mul(s)
                    .add(FloatVector.fromArray(F, dw, dwo + i)).intoArray(dw, dwo + i);
        }
        for (; i < n; i++) dw[dwo + i] += dout[doo + i] * x[xo + i] * s;
    }

    @Override
    public float sumOfSquares(float[] x, int xo, int n) {
        return dot(x, xo, x, xo, n);
    }

    @Override
    public float sum(float[] x, int xo, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        int i = 0;
        for (int end = n - 2 * L; i <= end; i += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(F, x, xo + i));
            s1 = s1.add(FloatVector.fromArray(F, x, xo + i + L));
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[xo + i];
        return s;
    }

    @Override
    public float max(float[] x, int xo, int n) {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int end = n - L; i <= end; i += L) m0 = m0.max(FloatVector.fromArray(F, x, xo + i));
        float m = m0.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }

    @Override
    public float expSum(float[] x, int xo, int n, float shift) {
        FloatVector s0 = FloatVector.zero(F);
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            s0 = s0.add(FloatVector.fromArray(F, x, xo + i).sub(shift).lanewise(VectorOperators.EXP));
        }
        float s = s0.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += (float) Math.exp(x[xo + i] - shift);
        return s;
    }

    @Override
    public void expScale(float[] x, int xo, int n, float shift, float s) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(F, x, xo + i).sub(shift).lanewise(VectorOperators.EXP).mul(s).intoArray(x, xo + i);
        }
        for (; i < n; i++) x[xo + i] = (float) Math.exp(x[xo + i] - shift) * s;
    }

    @Override
    public void swigluForward(float[] out, int oo, float[] gate, int go, float[] up, int uo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, go + i);
            FloatVector sig = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(sig).mul(FloatVector.fromArray(F, up, uo + i)).intoArray(out, oo + i);
        }
        scalar.swigluForward(out, oo + i, gate, go + i, up, uo + i, n - i);
    }

    @Override
    public void swigluBackward(float[] dgate, int dgo, float[] dup, int duo, float[] dout, int doo,
                               float[] gate, int go, float[] up, int uo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, go + i);
            FloatVector sig = FloatVector.broadcast(F, 1f).div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            FloatVector d = FloatVector.fromArray(F, dout, doo + i);
            FloatVector silu = g.mul(sig);
            FloatVector dsilu = sig.mul(g.mul(sig.neg().add(1f)).add(1f));
            d.mul(FloatVector.fromArray(F, up, uo + i)).mul(dsilu).add(FloatVector.fromArray(F, dgate, dgo + i))
                    .intoArray(dgate, dgo + i);
            d.mul(silu).add(FloatVector.fromArray(F, dup, duo + i)).intoArray(dup, duo + i);
        }
        scalar.swigluBackward(dgate, dgo + i, dup, duo + i, dout, doo + i, gate, go + i, up, uo + i, n - i);
    }

    private static final float GELU_C = (float) Math.sqrt(2 / Math.PI);

    /** {@code tanh(sqrt(2/pi) (g + 0.044715 g^3))}, the inner term of tanh-GELU. */
    private static FloatVector geluTanh(FloatVector g) {
        return g.mul(g).mul(g).mul(0.044715f).add(g).mul(GELU_C).lanewise(VectorOperators.TANH);
    }

    @Override
    public void gegluForward(float[] out, int oo, float[] gate, int go, float[] up, int uo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, go + i);
            geluTanh(g).add(1f).mul(g).mul(0.5f).mul(FloatVector.fromArray(F, up, uo + i)).intoArray(out, oo + i);
        }
        scalar.gegluForward(out, oo + i, gate, go + i, up, uo + i, n - i);
    }

    @Override
    public void gegluBackward(float[] dgate, int dgo, float[] dup, int duo, float[] dout, int doo,
                              float[] gate, int go, float[] up, int uo, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, go + i);
            FloatVector t = geluTanh(g);
            FloatVector d = FloatVector.fromArray(F, dout, doo + i);
            FloatVector gelu = t.add(1f).mul(g).mul(0.5f);
            FloatVector inner = g.mul(g).mul(3 * 0.044715f).add(1f).mul(GELU_C);
            FloatVector dgelu = t.add(1f).mul(0.5f).add(t.mul(t).neg().add(1f).mul(g).mul(0.5f).mul(inner));
            d.mul(FloatVector.fromArray(F, up, uo + i)).mul(dgelu).add(FloatVector.fromArray(F, dgate, dgo + i))
                    .intoArray(dgate, dgo + i);
            d.mul(gelu).add(FloatVector.fromArray(F, dup, duo + i)).intoArray(dup, duo + i);
        }
        scalar.gegluBackward(dgate, dgo + i, dup, duo + i, dout, doo + i, gate, go + i, up, uo + i, n - i);
    }

    @Override
    public void softcap(float[] x, int xo, float cap, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(F, x, xo + i).div(cap).lanewise(VectorOperators.TANH).mul(cap).intoArray(x, xo + i);
        }
        scalar.softcap(x, xo + i, cap, n - i);
    }

    @Override
    public void adamw(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                      float lr, float beta1, float beta2, float eps, float decay, float c1, float c2) {
        float keep = 1f - lr * decay;
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector grad = FloatVector.fromArray(F, g, go + i);
            FloatVector mi = FloatVector.fromArray(F, m, mo + i).mul(beta1).add(grad.mul(1f - beta1));
            FloatVector vi = FloatVector.fromArray(F, v, vo + i).mul(beta2).add(grad.mul(grad).mul(1f - beta2));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            FloatVector denom = vi.mul(c2).sqrt().add(eps);
            FloatVector.fromArray(F, p, po + i).mul(keep).sub(mi.mul(c1).mul(lr).div(denom)).intoArray(p, po + i);
        }
        scalar.adamw(p, po + i, g, go + i, m, mo + i, v, vo + i, n - i, lr, beta1, beta2, eps, decay, c1, c2);
    }
}
