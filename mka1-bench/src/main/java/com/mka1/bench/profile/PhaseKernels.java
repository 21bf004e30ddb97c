package com.mka1.bench.profile;

import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import java.util.function.DoubleSupplier;

/**
 * Kernels that, while {@link #enabled}, add each call's wall time to its {@link Phase}. The
 * backends' kernels return when done (the cpu backend's always), so wall time is the kernel's time.
 */
final class PhaseKernels implements Kernels {
    private final Kernels inner;
    private final long[] nanos = new long[Phase.values().length];
    boolean enabled;

    PhaseKernels(Kernels inner) {
        this.inner = inner;
    }

    long nanos(Phase phase) {
        return nanos[phase.ordinal()];
    }

    void reset() {
        java.util.Arrays.fill(nanos, 0);
    }

    private void time(Phase phase, Runnable call) {
        if (!enabled) {
            call.run();
            return;
        }
        long start = System.nanoTime();
        call.run();
        nanos[phase.ordinal()] += System.nanoTime() - start;
    }

    private double timeValue(Phase phase, DoubleSupplier call) {
        double[] value = new double[1];
        time(phase, () -> value[0] = call.getAsDouble());
        return value[0];
    }

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB,
                       float alpha, boolean accumulate) {
        time(Phase.MATMUL, () -> inner.matmul(c, a, b, m, n, k, transA, transB, alpha, accumulate));
    }

    @Override
    public void addBias(Tensor out, Tensor bias, int rows, int cols) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.addBias(out, bias, rows, cols));
    }

    @Override
    public void addBiasBackward(Tensor dbias, Tensor dout, int rows, int cols) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.addBiasBackward(dbias, dout, rows, cols));
    }

    @Override
    public void embeddingForward(Tensor out, Tensor table, Tensor tokens, int n, int dim) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.embeddingForward(out, table, tokens, n, dim));
    }

    @Override
    public void embeddingBackward(Tensor dtable, Tensor dout, Tensor tokens, int n, int dim) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.embeddingBackward(dtable, dout, tokens, n, dim));
    }

    @Override
    public void rmsnormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int n, int dim, float eps) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.rmsnormForward(out, rstd, x, weight, n, dim, eps));
    }

    @Override
    public void rmsnormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                int n, int dim) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.rmsnormBackward(dx, dweight, dout, x, weight, rstd, n, dim));
    }

    @Override
    public void rope(Tensor x, Tensor positions, Tensor invFreq, int n, int heads, int headDim, int rotaryDim,
                     float attentionFactor, boolean inverse) {
        time(Phase.NORMS_ELEMENTWISE,
                () -> inner.rope(x, positions, invFreq, n, heads, headDim, rotaryDim, attentionFactor, inverse));
    }

    @Override
    public void attentionForward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart,
                                 int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale,
                                 float softcap) {
        time(Phase.ATTENTION, () -> inner.attentionForward(out, lse, q, k, v, segStart, batch, qLen, kvLen, heads,
                kvHeads, headDim, scale, softcap));
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor out, Tensor lse,
                                  Tensor q, Tensor k, Tensor v, Tensor segStart,
                                  int batch, int seqLen, int heads, int kvHeads, int headDim, float scale,
                                  float softcap) {
        time(Phase.ATTENTION, () -> inner.attentionBackward(dq, dk, dv, dout, out, lse, q, k, v, segStart, batch,
                seqLen, heads, kvHeads, headDim, scale, softcap));
    }

    @Override
    public void swigluForward(Tensor out, Tensor gate, Tensor up, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.swigluForward(out, gate, up, n));
    }

    @Override
    public void swigluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.swigluBackward(dgate, dup, dout, gate, up, n));
    }

    @Override
    public void gegluForward(Tensor out, Tensor gate, Tensor up, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.gegluForward(out, gate, up, n));
    }

    @Override
    public void gegluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.gegluBackward(dgate, dup, dout, gate, up, n));
    }

    @Override
    public void softcap(Tensor x, float cap, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.softcap(x, cap, n));
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor losses, Tensor correct, Tensor targets,
                                    int n, int vocab, float gradScale, boolean computeGradient) {
        time(Phase.LOSS, () -> inner.softmaxCrossEntropy(logits, losses, correct, targets, n, vocab, gradScale,
                computeGradient));
    }

    @Override
    public void add(Tensor out, Tensor a, Tensor b, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.add(out, a, b, n));
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.mul(out, a, b, n));
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.axpy(y, alpha, x, n));
    }

    @Override
    public void scale(Tensor x, float alpha, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.scale(x, alpha, n));
    }

    @Override
    public void fill(Tensor x, float value, long n) {
        time(Phase.NORMS_ELEMENTWISE, () -> inner.fill(x, value, n));
    }

    @Override
    public double sumOfSquares(Tensor x, long n) {
        return timeValue(Phase.NORMS_ELEMENTWISE, () -> inner.sumOfSquares(x, n));
    }

    @Override
    public double sum(Tensor x, long n) {
        return timeValue(Phase.NORMS_ELEMENTWISE, () -> inner.sum(x, n));
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, long n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, int step) {
        time(Phase.OPTIMIZER, () -> inner.adamw(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step));
    }
}
