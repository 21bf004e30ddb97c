package com.mka1.core.compute;

import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static com.mka1.core.compute.FiniteDifferences.assertClose;
import static com.mka1.core.compute.FiniteDifferences.gradient;

/** Every backward kernel of the reference backend against central finite differences in double. */
class ReferenceKernelsGradientTest {
    private static final double TOL = 1e-7;
    private final ReferenceDevice dev = new ReferenceDevice();
    private final Kernels k = dev.kernels();
    private final Random random = new Random(42);

    private Tensor random(int... shape) {
        Tensor t = dev.allocate(DType.F32, shape);
        double[] v = new double[(int) t.size()];
        for (int i = 0; i < v.length; i++) v[i] = random.nextGaussian();
        dev.writeDoubles(t, v);
        return t;
    }

    private Tensor ints(int... values) {
        return dev.upload(values, values.length);
    }

    /** sum(out * weights): a scalar whose gradient w.r.t. out is {@code weights}. */
    private double dot(Tensor out, Tensor weights) {
        double[] a = dev.readDoubles(out), b = dev.readDoubles(weights);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void linearLayerGradientsFromTheDocumentedMatmulCalls() {
        int t = 3, in = 4, out = 5;
        Tensor x = random(t, in), w = random(out, in), r = random(t, out), y = dev.allocate(DType.F32, t, out);
        Runnable forward = () -> k.matmul(y, x, w, t, out, in, false, true, 1, false);
        Tensor dx = dev.allocate(DType.F32, t, in), dw = dev.allocate(DType.F32, out, in);
        k.matmul(dx, r, w, t, in, out, false, false, 1, true);
        k.matmul(dw, r, x, out, in, t, true, false, 1, true);
        assertClose("x", dev.readDoubles(dx), gradient(dev, x, () -> { forward.run(); return dot(y, r); }), TOL);
        assertClose("W", dev.readDoubles(dw), gradient(dev, w, () -> { forward.run(); return dot(y, r); }), TOL);
    }

    @Test
    void biasGradientSumsOverRows() {
        int rows = 3, cols = 4;
        Tensor base = random(rows, cols), bias = random(cols), r = random(rows, cols), out = dev.allocate(DType.F32, rows, cols);
        Tensor db = dev.allocate(DType.F32, cols);
        k.addBiasBackward(db, r, rows, cols);
        assertClose("bias", dev.readDoubles(db), gradient(dev, bias, () -> {
            dev.copy(base, 0, out, 0, rows * cols);
            k.addBias(out, bias, rows, cols);
            return dot(out, r);
        }), TOL);
    }

    @Test
    void embeddingGradientScattersIntoUsedRows() {
        int vocab = 5, dim = 3;
        Tensor table = random(vocab, dim), tokens = ints(4, 1, 4, 0), r = random(4, dim), out = dev.allocate(DType.F32, 4, dim);
        Tensor dtable = dev.allocate(DType.F32, vocab, dim);
        k.embeddingBackward(dtable, r, tokens, 4, dim);
        assertClose("table", dev.readDoubles(dtable), gradient(dev, table, () -> {
            k.embeddingForward(out, table, tokens, 4, dim);
            return dot(out, r);
        }), TOL);
    }

    @Test
    void rmsnormGradientsForInputAndWeight() {
        int n = 3, dim = 6;
        float eps = 1e-5f;
        Tensor x = random(n, dim), w = random(dim), r = random(n, dim), out = dev.allocate(DType.F32, n, dim);
        Tensor rstd = dev.allocate(DType.F32, n), dx = dev.allocate(DType.F32, n, dim), dw = dev.allocate(DType.F32, dim);
        k.rmsnormForward(out, rstd, x, w, n, dim, eps);
        k.rmsnormBackward(dx, dw, r, x, w, rstd, n, dim);
        assertClose("x", dev.readDoubles(dx), gradient(dev, x, () -> { k.rmsnormForward(out, null, x, w, n, dim, eps); return dot(out, r); }), TOL);
        assertClose("weight", dev.readDoubles(dw), gradient(dev, w, () -> { k.rmsnormForward(out, null, x, w, n, dim, eps); return dot(out, r); }), TOL);
    }

    @Test
    void ropeBackwardIsTheInverseRotationOfTheGradient() {
        int n = 3, heads = 2, headDim = 4;
        Tensor x = random(n, heads, headDim), r = random(n, heads, headDim), work = dev.allocate(DType.F32, n, heads, headDim);
        Tensor positions = ints(0, 3, 7), invFreq = dev.upload(new float[] {1f, 0.01f}, 2);
        Tensor dx = dev.allocate(DType.F32, n, heads, headDim);
        dev.copy(r, 0, dx, 0, r.size());
        k.rope(dx, positions, invFreq, n, heads, headDim, true);
        assertClose("x", dev.readDoubles(dx), gradient(dev, x, () -> {
            dev.copy(x, 0, work, 0, x.size());
            k.rope(work, positions, invFreq, n, heads, headDim, false);
            return dot(work, r);
        }), TOL);
    }

    @Test
    void attentionGradientsWithPackingAndGroupedQueries() {
        int batch = 2, seq = 5, heads = 4, kvHeads = 2, hd = 3;
        float scale = (float) (1 / Math.sqrt(hd));
        Tensor q = random(batch * seq, heads * hd), kk = random(batch * seq, kvHeads * hd), v = random(batch * seq, kvHeads * hd);
        // row 0 packs examples [0,2) and [2,5); row 1 holds one example
        Tensor seg = ints(0, 0, 2, 2, 2, 0, 0, 0, 0, 0);
        Tensor r = random(batch * seq, heads * hd), out = dev.allocate(DType.F32, batch * seq, heads * hd);
        Tensor lse = dev.allocate(DType.F32, batch * seq, heads);
        Tensor dq = dev.allocate(DType.F32, batch * seq, heads * hd);
        Tensor dk = dev.allocate(DType.F32, batch * seq, kvHeads * hd), dv = dev.allocate(DType.F32, batch * seq, kvHeads * hd);
        k.attentionForward(out, lse, q, kk, v, seg, batch, seq, seq, heads, kvHeads, hd, scale);
        k.attentionBackward(dq, dk, dv, r, out, lse, q, kk, v, seg, batch, seq, heads, kvHeads, hd, scale);
        java.util.function.DoubleSupplier loss = () -> {
            k.attentionForward(out, null, q, kk, v, seg, batch, seq, seq, heads, kvHeads, hd, scale);
            return dot(out, r);
        };
        assertClose("q", dev.readDoubles(dq), gradient(dev, q, loss), TOL);
        assertClose("k", dev.readDoubles(dk), gradient(dev, kk, loss), TOL);
        assertClose("v", dev.readDoubles(dv), gradient(dev, v, loss), TOL);
    }

    @Test
    void swigluGradients() {
        int n = 7;
        Tensor g = random(n), u = random(n), r = random(n), out = dev.allocate(DType.F32, n);
        Tensor dg = dev.allocate(DType.F32, n), du = dev.allocate(DType.F32, n);
        k.swigluBackward(dg, du, r, g, u, n);
        java.util.function.DoubleSupplier loss = () -> { k.swigluForward(out, g, u, n); return dot(out, r); };
        assertClose("gate", dev.readDoubles(dg), gradient(dev, g, loss), TOL);
        assertClose("up", dev.readDoubles(du), gradient(dev, u, loss), TOL);
    }

    @Test
    void crossEntropyGradientOverActiveRowsOnly() {
        int n = 4, vocab = 6;
        float gradScale = 0.5f;
        Tensor logits = random(n, vocab), targets = ints(2, -1, 5, 0), losses = dev.allocate(DType.F32, n);
        Tensor work = dev.allocate(DType.F32, n, vocab);
        dev.copy(logits, 0, work, 0, logits.size());
        k.softmaxCrossEntropy(work, losses, null, targets, n, vocab, gradScale, true);
        assertClose("logits", dev.readDoubles(work), gradient(dev, logits, () -> {
            dev.copy(logits, 0, work, 0, logits.size());
            k.softmaxCrossEntropy(work, losses, null, targets, n, vocab, gradScale, false);
            return gradScale * k.sum(losses, n);
        }), TOL);
    }
}
