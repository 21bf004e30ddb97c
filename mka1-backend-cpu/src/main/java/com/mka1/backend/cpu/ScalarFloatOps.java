package com.mka1.backend.cpu;

import com.mka1.spi.Bf16;

/** Plain-loop {@link FloatOps}: correct everywhere, used when the Vector API is not available. */
final class ScalarFloatOps implements FloatOps {
    private static final MicroKernel TILE = new ScalarMicroKernel(4, 8);

    @Override
    public String description() {
        return "scalar loops (Vector API not enabled)";
    }

    @Override
    public MicroKernel matmulTile() {
        return TILE;
    }

    @Override
    public MicroKernel attentionTile() {
        return TILE;
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Override
    public float dotBf16(float[] a, int ao, short[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * Bf16.toFloat(b[bo + i]);
        return s;
    }

    @Override
    public void widenBf16(short[] src, int so, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) dst[dOff + i] = Bf16.toFloat(src[so + i]);
    }

    @Override
    public void transpose16(float[] src, int so, int lds, int depth, float[] dst, int dOff, int ldd, int width,
                            int panelStride) {
        for (int r = 0; r < 16; r++) {
            int s = so + r * lds;
            int d = dOff + (r / width) * panelStride + r % width;
            for (int p = 0; p < depth; p++) dst[d + p * ldd] = src[s + p];
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    @Override
    public void scale(float[] x, int xo, float alpha, int n) {
        for (int i = 0; i < n; i++) x[xo + i] *= alpha;
    }

    @Override
    public void fill(float[] x, int xo, float value, int n) {
        java.util.Arrays.fill(x, xo, xo + n, value);
    }

    @Override
    public void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    @Override
    public void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    @Override
    public void mulScaled(float[] x, int xo, float[] w, int wo, float s, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = x[xo + i] * s * w[wo + i];
    }

    @Override
    public float dot3(float[] a, int ao, float[] b, int bo, float[] c, int co, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i] * c[co + i];
        return s;
    }

    @Override
    public void rmsnormBackwardRow(float[] dx, int dxo, float[] dout, int doo, float[] w, int wo,
                                   float[] x, int xo, float s, float coef, int n) {
        for (int i = 0; i < n; i++) dx[dxo + i] += s * w[wo + i] * dout[doo + i] - coef * x[xo + i];
    }

    @Override
    public void mulAccumulate(float[] dout, int doo, float[] x, int xo, float s, float[] dw, int dwo, int n) {
        for (int i = 0; i < n; i++) dw[dwo + i] += dout[doo + i] * x[xo + i] * s;
    }

    @Override
    public float sumOfSquares(float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += x[xo + i] * x[xo + i];
        return s;
    }

    @Override
    public float sum(float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += x[xo + i];
        return s;
    }

    @Override
    public float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }

    @Override
    public float expSum(float[] x, int xo, int n, float shift) {
        float s = 0;
        for (int i = 0; i < n; i++) s += (float) Math.exp(x[xo + i] - shift);
        return s;
    }

    @Override
    public void expScale(float[] x, int xo, int n, float shift, float s) {
        for (int i = 0; i < n; i++) x[xo + i] = (float) Math.exp(x[xo + i] - shift) * s;
    }

    @Override
    public void swigluForward(float[] out, int oo, float[] gate, int go, float[] up, int uo, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[go + i];
            out[oo + i] = g / (1f + (float) Math.exp(-g)) * up[uo + i];
        }
    }

    @Override
    public void swigluBackward(float[] dgate, int dgo, float[] dup, int duo, float[] dout, int doo,
                               float[] gate, int go, float[] up, int uo, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[go + i];
            float sig = 1f / (1f + (float) Math.exp(-g));
            float d = dout[doo + i];
            dgate[dgo + i] += d * up[uo + i] * sig * (1f + g * (1f - sig));
            dup[duo + i] += d * g * sig;
        }
    }

    private static final float GELU_C = (float) Math.sqrt(2 / Math.PI);

    @Override
    public void gegluForward(float[] out, int oo, float[] gate, int go, float[] up, int uo, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[go + i];
            float t = (float) Math.tanh(GELU_C * (g + 0.044715f * g * g * g));
            out[oo + i] = 0.5f * g * (1f + t) * up[uo + i];
        }
    }

    @Override
    public void gegluBackward(float[] dgate, int dgo, float[] dup, int duo, float[] dout, int doo,
                              float[] gate, int go, float[] up, int uo, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[go + i];
            float t = (float) Math.tanh(GELU_C * (g + 0.044715f * g * g * g));
            float d = dout[doo + i];
            float dgelu = 0.5f * (1f + t) + 0.5f * g * (1f - t * t) * GELU_C * (1f + 3 * 0.044715f * g * g);
            dgate[dgo + i] += d * up[uo + i] * dgelu;
            dup[duo + i] += d * 0.5f * g * (1f + t);
        }
    }

    @Override
    public void softcap(float[] x, int xo, float cap, int n) {
        for (int i = 0; i < n; i++) x[xo + i] = cap * (float) Math.tanh(x[xo + i] / cap);
    }

    @Override
    public void adamw(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                      float lr, float beta1, float beta2, float eps, float decay, float c1, float c2) {
        float keep = 1f - lr * decay;
        for (int i = 0; i < n; i++) {
            float grad = g[go + i];
            float mi = beta1 * m[mo + i] + (1f - beta1) * grad;
            float vi = beta2 * v[vo + i] + (1f - beta2) * grad * grad;
            m[mo + i] = mi;
            v[vo + i] = vi;
            p[po + i] = p[po + i] * keep - lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
        }
    }
}
