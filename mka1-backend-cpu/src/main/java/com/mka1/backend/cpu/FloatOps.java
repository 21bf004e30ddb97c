package com.mka1.backend.cpu;

/**
 * The inner loops every CPU kernel is built from, over float arrays with explicit offsets.
 * Two implementations: {@link VectorFloatOps} (jdk.incubator.vector) and {@link ScalarFloatOps}
 * (plain loops, used when the Vector API module is not resolved). Kernels are written once
 * against this interface.
 */
interface FloatOps {

    /** Human description of the instruction set in use. */
    String description();

    /** The register tile of matmul. */
    MicroKernel matmulTile();

    /** The register tile of attention: its columns should match common head dims. */
    MicroKernel attentionTile();

    float dot(float[] a, int ao, float[] b, int bo, int n);

    /** Dot product with bfloat16 bit patterns widened on the fly. */
    float dotBf16(float[] a, int ao, short[] b, int bo, int n);

    /** {@code dst = float(src)} for bfloat16 bit patterns. */
    void widenBf16(short[] src, int so, float[] dst, int dOff, int n);

    /**
     * Transposing copy of 16 rows, for packing: {@code dst[dOff + (r / width) * panelStride + p * ldd
     * + r % width] = src[so + r * lds + p]} for {@code r < 16}, {@code p < depth}; {@code width} is 16,
     * or 8 (two panels of 8 rows, {@code panelStride} apart) with {@code ldd == 8}.
     */
    void transpose16(float[] src, int so, int lds, int depth, float[] dst, int dOff, int ldd, int width,
                     int panelStride);

    /** {@code y += alpha * x}. */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** {@code x *= alpha}. */
    void scale(float[] x, int xo, float alpha, int n);

    void fill(float[] x, int xo, float value, int n);

    /** {@code out = a + b}. */
    void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    /** {@code out = a * b}. */
    void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    /** {@code out = x * w * s} (RMSNorm forward row). */
    void mulScaled(float[] x, int xo, float[] w, int wo, float s, float[] out, int oo, int n);

    /** {@code sum(a * b * c)} (RMSNorm backward row). */
    float dot3(float[] a, int ao, float[] b, int bo, float[] c, int co, int n);

    /** {@code dx += s * w * dout - coef * x} (RMSNorm backward row). */
    void rmsnormBackwardRow(float[] dx, int dxo, float[] dout, int doo, float[] w, int wo,
                            float[] x, int xo, float s, float coef, int n);

    /** {@code dw += dout * x * s} (RMSNorm weight gradient for one row). */
    void mulAccumulate(float[] dout, int doo, float[] x, int xo, float s, float[] dw, int dwo, int n);

    float sumOfSquares(float[] x, int xo, int n);

    float sum(float[] x, int xo, int n);

    float max(float[] x, int xo, int n);

    /** {@code sum(exp(x - shift))}. */
    float expSum(float[] x, int xo, int n, float shift);

    /** In place: {@code x = exp(x - shift) * s}. */
    void expScale(float[] x, int xo, int n, float shift, float s);

    /** {@code out = silu(gate) * up}. */
    void swigluForward(float[] out, int oo, float[] gate, int go, float[] up, int uo, int n);

    /** {@code out = gelu_tanh(gate) * up}. */
    void gegluForward(float[] out, int oo, float[] gate, int go, float[] up, int uo, int n);

    /** Accumulates the GeGLU gradients into {@code dgate} and {@code dup}. */
    void gegluBackward(float[] dgate, int dgo, float[] dup, int duo, float[] dout, int doo,
                       float[] gate, int go, float[] up, int uo, int n);

    /** {@code x = cap * tanh(x / cap)}. */
    void softcap(float[] x, int xo, float cap, int n);

    /** {@code dgate += dout * up * silu'(gate)}, {@code dup += dout * silu(gate)}. */
    void swigluBackward(float[] dgate, int dgo, float[] dup, int duo, float[] dout, int doo,
                        float[] gate, int go, float[] up, int uo, int n);

    /** AdamW over one range; {@code c1 = 1/(1-b1^t)}, {@code c2 = 1/(1-b2^t)}. */
    void adamw(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
               float lr, float beta1, float beta2, float eps, float decay, float c1, float c2);
}
