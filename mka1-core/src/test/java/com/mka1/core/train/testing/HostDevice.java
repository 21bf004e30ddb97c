package com.mka1.core.train.testing;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.MemoryInfo;
import com.mka1.spi.Tensor;
import java.util.Arrays;

/**
 * A minimal host-memory device for the training-loop tests: storage, copies and the optimizer
 * kernels the loop calls (adamw, sumOfSquares, scale, axpy, fill). Model kernels are not provided:
 * the test models compute on the host.
 */
public final class HostDevice implements ComputeDevice {
    /** A dense host buffer. */
    private record HostTensor(DType dtype, int[] shape, float[] floats, int[] ints, ComputeDevice device) implements Tensor {
        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public long size() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    private long allocated;
    private long peak;

    @Override
    public String backendName() {
        return "host-test";
    }

    @Override
    public String description() {
        return "host arrays for training-loop tests";
    }

    @Override
    public Tensor allocate(DType dtype, int... shape) {
        int n = Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b));
        allocated += (long) n * dtype.bytes();
        peak = Math.max(peak, allocated);
        return dtype == DType.I32 ? new HostTensor(dtype, shape.clone(), null, new int[n], this)
                : new HostTensor(dtype, shape.clone(), new float[n], null, this);
    }

    @Override
    public Tensor view(Tensor base, long offset, int... shape) {
        throw new UnsupportedOperationException("views are not used by the training loop");
    }

    @Override
    public void free(Tensor tensor) {
        allocated -= tensor.size() * tensor.dtype().bytes();
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        System.arraycopy(src, srcOffset, ((HostTensor) dst).floats(), Math.toIntExact(dstOffset), length);
    }

    @Override
    public void copyFromHost(int[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        System.arraycopy(src, srcOffset, ((HostTensor) dst).ints(), Math.toIntExact(dstOffset), length);
    }

    @Override
    public void copyFromHostBf16(short[] src, int srcOffset, Tensor dst, long dstOffset, int length) {
        throw new UnsupportedOperationException("bf16 is not used by the training loop");
    }

    @Override
    public void copyToHost(Tensor src, long srcOffset, float[] dst, int dstOffset, int length) {
        System.arraycopy(((HostTensor) src).floats(), Math.toIntExact(srcOffset), dst, dstOffset, length);
    }

    @Override
    public void copyToHost(Tensor src, long srcOffset, int[] dst, int dstOffset, int length) {
        System.arraycopy(((HostTensor) src).ints(), Math.toIntExact(srcOffset), dst, dstOffset, length);
    }

    @Override
    public void copy(Tensor src, long srcOffset, Tensor dst, long dstOffset, long length) {
        System.arraycopy(((HostTensor) src).floats(), Math.toIntExact(srcOffset), ((HostTensor) dst).floats(),
                Math.toIntExact(dstOffset), Math.toIntExact(length));
    }

    @Override
    public Kernels kernels() {
        return OptimizerKernels.INSTANCE;
    }

    @Override
    public void synchronize() {}

    @Override
    public MemoryInfo memoryInfo() {
        return new MemoryInfo(allocated, peak, -1);
    }

    @Override
    public void close() {}

    static float[] data(Tensor t) {
        return ((HostTensor) t).floats();
    }

    /** The optimizer kernels, exactly as {@link Kernels} documents them. */
    private enum OptimizerKernels implements Kernels {
        INSTANCE;

        @Override
        public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, long n, float lr, float beta1, float beta2,
                          float eps, float weightDecay, int step) {
            float[] p = data(param);
            float[] g = data(grad);
            float[] mm = data(m);
            float[] vv = data(v);
            float c1 = (float) (1 - Math.pow(beta1, step));
            float c2 = (float) (1 - Math.pow(beta2, step));
            for (int i = 0; i < n; i++) {
                p[i] *= 1 - lr * weightDecay;
                mm[i] = beta1 * mm[i] + (1 - beta1) * g[i];
                vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
                p[i] -= lr * (mm[i] / c1) / ((float) Math.sqrt(vv[i] / c2) + eps);
            }
        }

        @Override
        public double sumOfSquares(Tensor x, long n) {
            double s = 0;
            float[] d = data(x);
            for (int i = 0; i < n; i++) s += (double) d[i] * d[i];
            return s;
        }

        @Override
        public void scale(Tensor x, float alpha, long n) {
            float[] d = data(x);
            for (int i = 0; i < n; i++) d[i] *= alpha;
        }

        @Override
        public void fill(Tensor x, float value, long n) {
            Arrays.fill(data(x), 0, Math.toIntExact(n), value);
        }

        @Override
        public double sum(Tensor x, long n) {
            double s = 0;
            float[] d = data(x);
            for (int i = 0; i < n; i++) s += d[i];
            return s;
        }

        @Override
        public void axpy(Tensor y, float alpha, Tensor x, long n) {
            float[] yy = data(y);
            float[] xx = data(x);
            for (int i = 0; i < n; i++) yy[i] += alpha * xx[i];
        }

        private static UnsupportedOperationException notHere() {
            return new UnsupportedOperationException("model kernels are not provided by the test host device");
        }

        @Override public void matmul(Tensor c, Tensor a, Tensor b, int m, int n, int k, boolean transA, boolean transB, float alpha, boolean accumulate) { throw notHere(); }
        @Override public void addBias(Tensor out, Tensor bias, int rows, int cols) { throw notHere(); }
        @Override public void addBiasBackward(Tensor dbias, Tensor dout, int rows, int cols) { throw notHere(); }
        @Override public void embeddingForward(Tensor out, Tensor table, Tensor tokens, int n, int dim) { throw notHere(); }
        @Override public void embeddingBackward(Tensor dtable, Tensor dout, Tensor tokens, int n, int dim) { throw notHere(); }
        @Override public void rmsnormForward(Tensor out, Tensor rstd, Tensor x, Tensor weight, int n, int dim, float eps) { throw notHere(); }
        @Override public void rmsnormBackward(Tensor dx, Tensor dweight, Tensor dout, Tensor x, Tensor weight, Tensor rstd, int n, int dim) { throw notHere(); }
        @Override public void rope(Tensor x, Tensor positions, Tensor invFreq, int n, int heads, int headDim, boolean inverse) { throw notHere(); }
        @Override public void attentionForward(Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart, int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim, float scale) { throw notHere(); }
        @Override public void attentionBackward(Tensor dq, Tensor dk, Tensor dv, Tensor dout, Tensor out, Tensor lse, Tensor q, Tensor k, Tensor v, Tensor segStart, int batch, int seqLen, int heads, int kvHeads, int headDim, float scale) { throw notHere(); }
        @Override public void swigluForward(Tensor out, Tensor gate, Tensor up, long n) { throw notHere(); }
        @Override public void swigluBackward(Tensor dgate, Tensor dup, Tensor dout, Tensor gate, Tensor up, long n) { throw notHere(); }
        @Override public void softmaxCrossEntropy(Tensor logits, Tensor losses, Tensor correct, Tensor targets, int n, int vocab, float gradScale, boolean computeGradient) { throw notHere(); }
        @Override public void add(Tensor out, Tensor a, Tensor b, long n) { throw notHere(); }
        @Override public void mul(Tensor out, Tensor a, Tensor b, long n) { throw notHere(); }
    }
}
