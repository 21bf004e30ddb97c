package com.mka1.backend.cuda;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * Kernels that time every call (CUDA events on the cuda backend, wall time after a synchronize
 * elsewhere) and add it up per kernel: where a training step's time goes. Each call waits for
 * the GPU, so use it for one profiled step, not for throughput.
 */
final class ProfilingKernels implements Kernels {
    private final ComputeDevice device;
    private final Kernels inner;
    private final Map<String, double[]> totals = new TreeMap<>(); // name -> {millis, calls}

    ProfilingKernels(ComputeDevice device) {
        this.device = device;
        this.inner = device.kernels();
    }

    /** One line per kernel, slowest first, with its share of the total. */
    String report() {
        double all = totals.values().stream().mapToDouble(t -> t[0]).sum();
        StringBuilder out = new StringBuilder();
        totals.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> out.append(String.format(Locale.ROOT, "  %-24s %9.3f ms %5.1f%% %6d calls%n",
                        e.getKey(), e.getValue()[0], 100 * e.getValue()[0] / all, (long) e.getValue()[1])));
        out.append(String.format(Locale.ROOT, "  %-24s %9.3f ms%n", "total", all));
        return out.toString();
    }

    /** Matmuls split by what decides their speed: a BF16 (frozen) operand, a rank-sized side. */
    private static String matmulKind(Tensor b, int m, int n) {
        String kind = b.dtype() == DType.BF16 ? "matmul bf16-B" : "matmul";
        return Math.min(m, n) <= 64 ? kind + " skinny" : kind;
    }

    private void time(String name, Runnable call) {
        double millis;
        if (device instanceof CudaDevice cuda) {
            millis = cuda.timeMillis(call);
        } else {
            device.synchronize();
            long start = System.nanoTime();
            call.run();
            device.synchronize();
            millis = (System.nanoTime() - start) / 1e6;
        }
        double[] total = totals.computeIfAbsent(name, n -> new double[2]);
        total[0] += millis;
        total[1]++;
    }

    private double timeValue(String name, DoubleSupplier call) {
        double[] value = new double[1];
        time(name, () -> value[0] = call.getAsDouble());
        return value[0];
    }

    @Override
    public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB,
                       float alpha, boolean accumulate) {
        time(matmulKind(b, m, n), () -> inner.matmul(c, a, b, m, n, k, transA, transB, alpha, accumulate));
    }

    @Override
    public void addBias(Tensor out, Tensor bias, int rows, int cols) {
        time("addBias", () -> inner.addBias(out, bias, rows, cols));
    }

    @Override
    public void addBiasBackward(Tensor dbias, Tensor dout, int rows, int cols) {
        time("addBiasBackward", () -> inner.addBiasBackward(dbias, dout, rows, cols));
    }

    @Override
    public void embeddingForward(Tensor out, Tensor table, Tensor tokens, int n, int dim) {
        time("embeddingForward", () -> inner.embeddingForward(out, table, tokens, n, dim));
    }

    @Override
    public void embeddingBackward(Tensor dtable, Tensor dout, Tensor tokens, int n, int dim) {
        time("embeddingBackward", () -> inner.embeddingBackward(dtable, dout, tokens, n, dim));
    }

    @Override
    public void rmsnormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int n, int dim, float eps) {
        time("rmsnormForward", () -> inner.rmsnormForward(out, rstd, x, weight, n, dim, eps));
    }

    @Override
    public void rmsnormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd,
                                int n, int dim) {
        time("rmsnormBackward", () -> inner.rmsnormBackward(dx, dweight, dout, x, weight, rstd, n, dim));
    }

    @Override
    public void rope(Tensor x, Tensor positions, Tensor invFreq, int n, int heads, int headDim, int rotaryDim,
                     float attentionFactor, boolean inverse) {
        time("rope", () -> inner.rope(x, positions, invFreq, n, heads, headDim, rotaryDim, attentionFactor, inverse));
    }

    @Override
    public void attentionForward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart,
                                 int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale,
                                 float softcap) {
        time("attentionForward", () -> inner.attentionForward(out, lse, q, k, v, segStart,
                batch, qLen, kvLen, heads, kvHeads, headDim, scale, softcap));
    }

    @Override
    public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor out, Tensor lse,
                                  Tensor q, Tensor k, Tensor v, Tensor segStart,
                                  int batch, int seqLen, int heads, int kvHeads, int headDim, float scale,
                                  float softcap) {
        time("attentionBackward", () -> inner.attentionBackward(dq, dk, dv, dout, out, lse, q, k, v, segStart,
                batch, seqLen, heads, kvHeads, headDim, scale, softcap));
    }

    @Override
    public void swigluForward(Tensor out, Tensor gate, Tensor up, long n) {
        time("swigluForward", () -> inner.swigluForward(out, gate, up, n));
    }

    @Override
    public void swigluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        time("swigluBackward", () -> inner.swigluBackward(dgate, dup, dout, gate, up, n));
    }

    @Override
    public void gegluForward(Tensor out, Tensor gate, Tensor up, long n) {
        time("gegluForward", () -> inner.gegluForward(out, gate, up, n));
    }

    @Override
    public void gegluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) {
        time("gegluBackward", () -> inner.gegluBackward(dgate, dup, dout, gate, up, n));
    }

    @Override
    public void softcap(Tensor x, float cap, long n) {
        time("softcap", () -> inner.softcap(x, cap, n));
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor losses, Tensor correct, Tensor targets,
                                    int n, int vocab, float gradScale, boolean computeGradient) {
        time("softmaxCrossEntropy", () -> inner.softmaxCrossEntropy(logits, losses, correct, targets,
                n, vocab, gradScale, computeGradient));
    }

    @Override
    public void add(Tensor out, Tensor a, Tensor b, long n) {
        time("add", () -> inner.add(out, a, b, n));
    }

    @Override
    public void mul(Tensor out, Tensor a, Tensor b, long n) {
        time("mul", () -> inner.mul(out, a, b, n));
    }

    @Override
    public void axpy(Tensor y, float alpha, Tensor x, long n) {
        time("axpy", () -> inner.axpy(y, alpha, x, n));
    }

    @Override
    public void scale(Tensor x, float alpha, long n) {
        time("scale", () -> inner.scale(x, alpha, n));
    }

    @Override
    public void fill(Tensor x, float value, long n) {
        time("fill", () -> inner.fill(x, value, n));
    }

    @Override
    public double sumOfSquares(Tensor x, long n) {
        return timeValue("sumOfSquares", () -> inner.sumOfSquares(x, n));
    }

    @Override
    public double sum(Tensor x, long n) {
        return timeValue("sum", () -> inner.sum(x, n));
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, long n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, int step) {
        time("adamw", () -> inner.adamw(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step));
    }

    @Override
    public void adamw(java.util.List<com.mka1.spi.AdamWParameter> parameters, float lr, float beta1, float beta2, float eps,
                      int step) {
        time("adamw (all)", () -> inner.adamw(parameters, lr, beta1, beta2, eps, step));
    }

    @Override
    public void addRmsnormForward(Tensor sum, Tensor out, Tensor rstd, Tensor x, Tensor branch, Tensor weight,
                                  int n, int dim, float eps) {
        time("add+rmsnorm", () -> inner.addRmsnormForward(sum, out, rstd, x, branch, weight, n, dim, eps));
    }

    @Override
    public void ropeQK(Tensor q, Tensor k, Tensor positions, Tensor invFreq, int n, int heads, int kvHeads, int headDim,
                       int rotaryDim, float attentionFactor, boolean inverse) {
        time("rope q+k", () -> inner.ropeQK(q, k, positions, invFreq, n, heads, kvHeads, headDim, rotaryDim, attentionFactor,
                inverse));
    }
}
