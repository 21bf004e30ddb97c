package com.mka1.backend.cpu;

import static com.mka1.backend.cpu.AttentionTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Embedding, bias, SwiGLU, elementwise ops, reductions and AdamW against double-precision
 * formulas. {@link #N} exceeds the parallel grain (32768) and is not a multiple of 16, so both the
 * split and the scalar tails run. Tolerances 1e-6 relative unless stated.
 */
class ElementwiseTest {
    private static final int N = 70_001;

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void embeddingGathersRowsAndScattersGradientsOfRepeatedTokens(boolean simd) {
        int vocab = 11;
        int dim = 37;
        Random random = new Random(1);
        float[] table = Fixtures.bf16Exact(Fixtures.gaussian(random, vocab * dim, 1f));
        int[] tokens = {3, 0, 10, 3, 3, 7};
        float[] dout = Fixtures.gaussian(random, tokens.length * dim, 1f);
        double[] wantOut = new double[tokens.length * dim];
        double[] wantGrad = new double[vocab * dim];
        for (int i = 0; i < tokens.length; i++) {
            for (int d = 0; d < dim; d++) {
                wantOut[i * dim + d] = table[tokens[i] * dim + d];
                wantGrad[tokens[i] * dim + d] += dout[i * dim + d];
            }
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor tok = device.upload(tokens, tokens.length);
            for (DType dtype : new DType[] {DType.F32, DType.BF16}) {
                Tensor tab = device.allocate(dtype, vocab, dim);
                device.copyFromHost(table, 0, tab, 0, table.length);
                Tensor out = device.allocate(DType.F32, tokens.length, dim);
                device.kernels().embeddingForward(out, tab, tok, tokens.length, dim);
                assertClose(device.download(out), wantOut, 0, "out " + dtype);
            }
            Tensor grad = device.allocate(DType.F32, vocab, dim);
            device.kernels().embeddingBackward(grad, device.upload(dout, dout.length), tok, tokens.length, dim);
            assertClose(device.download(grad), wantGrad, 1e-6, "dtable");
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void biasForwardAndBackward(boolean simd) {
        int rows = 13;
        int cols = 45;
        Random random = new Random(2);
        float[] out = Fixtures.gaussian(random, rows * cols, 1f);
        float[] bias = Fixtures.gaussian(random, cols, 1f);
        double[] want = new double[rows * cols];
        double[] wantBias = Fixtures.toDouble(bias);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                want[r * cols + c] = out[r * cols + c] + bias[c];
                wantBias[c] += out[r * cols + c];
            }
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor o = device.upload(out, out.length);
            Tensor b = device.upload(bias, cols);
            device.kernels().addBiasBackward(b, o, rows, cols);
            assertClose(device.download(b), wantBias, 1e-6, "dbias");
            device.kernels().addBias(o, device.upload(bias, cols), rows, cols);
            assertClose(device.download(o), want, 1e-6, "out");
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void swigluForwardAndBackward(boolean simd) {
        Random random = new Random(3);
        float[] gate = Fixtures.gaussian(random, N, 3f);
        float[] up = Fixtures.gaussian(random, N, 1f);
        float[] dout = Fixtures.gaussian(random, N, 1f);
        float[] dgate0 = Fixtures.gaussian(random, N, 1f);
        float[] dup0 = Fixtures.gaussian(random, N, 1f);
        double[] out = new double[N];
        double[] dgate = Fixtures.toDouble(dgate0);
        double[] dup = Fixtures.toDouble(dup0);
        for (int i = 0; i < N; i++) {
            double g = gate[i];
            double sig = 1 / (1 + Math.exp(-g));
            out[i] = g * sig * up[i];
            dgate[i] += dout[i] * up[i] * sig * (1 + g * (1 - sig));
            dup[i] += dout[i] * g * sig;
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Kernels k = device.kernels();
            Tensor g = device.upload(gate, N);
            Tensor u = device.upload(up, N);
            Tensor o = device.allocate(DType.F32, N);
            k.swigluForward(o, g, u, N);
            assertClose(device.download(o), out, 2e-6, "out");
            Tensor dg = device.upload(dgate0, N);
            Tensor du = device.upload(dup0, N);
            k.swigluBackward(dg, du, device.upload(dout, N), g, u, N);
            assertClose(device.download(dg), dgate, 2e-6, "dgate");
            assertClose(device.download(du), dup, 2e-6, "dup");
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void gegluForwardAndBackwardAndSoftcap(boolean simd) {
        Random random = new Random(5);
        float[] gate = Fixtures.gaussian(random, N, 3f);
        float[] up = Fixtures.gaussian(random, N, 1f);
        float[] dout = Fixtures.gaussian(random, N, 1f);
        float[] dgate0 = Fixtures.gaussian(random, N, 1f);
        float[] dup0 = Fixtures.gaussian(random, N, 1f);
        double[] out = new double[N];
        double[] dgate = Fixtures.toDouble(dgate0);
        double[] dup = Fixtures.toDouble(dup0);
        double[] capped = new double[N];
        double c = Math.sqrt(2 / Math.PI);
        for (int i = 0; i < N; i++) {
            // PyTorch's gelu(approximate="tanh") and its derivative, written out independently
            double g = gate[i];
            double inner = c * (g + 0.044715 * g * g * g);
            double t = Math.tanh(inner);
            out[i] = 0.5 * g * (1 + t) * up[i];
            double dInner = c * (1 + 3 * 0.044715 * g * g);
            dgate[i] += dout[i] * up[i] * (0.5 * (1 + t) + 0.5 * g * (1 - t * t) * dInner);
            dup[i] += dout[i] * 0.5 * g * (1 + t);
            capped[i] = 4 * Math.tanh(gate[i] * 3 / 4);
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Kernels k = device.kernels();
            Tensor g = device.upload(gate, N);
            Tensor u = device.upload(up, N);
            Tensor o = device.allocate(DType.F32, N);
            k.gegluForward(o, g, u, N);
            assertClose(device.download(o), out, 2e-6, "out");
            Tensor dg = device.upload(dgate0, N);
            Tensor du = device.upload(dup0, N);
            k.gegluBackward(dg, du, device.upload(dout, N), g, u, N);
            assertClose(device.download(dg), dgate, 2e-6, "dgate");
            assertClose(device.download(du), dup, 2e-6, "dup");
            k.scale(g, 3, N);
            k.softcap(g, 4, N);
            assertClose(device.download(g), capped, 2e-6, "softcap");
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void elementwiseOpsAndDoubleReductions(boolean simd) {
        Random random = new Random(4);
        float[] a = Fixtures.gaussian(random, N, 1f);
        float[] b = Fixtures.gaussian(random, N, 1f);
        double[] sum = new double[N];
        double[] prod = new double[N];
        double[] axpy = new double[N];
        double totalSquares = 0;
        double total = 0;
        for (int i = 0; i < N; i++) {
            sum[i] = (double) a[i] + b[i];
            prod[i] = (double) a[i] * b[i];
            axpy[i] = b[i] + 0.75 * a[i];
            totalSquares += (double) a[i] * a[i];
            total += a[i];
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Kernels k = device.kernels();
            Tensor at = device.upload(a, N);
            Tensor bt = device.upload(b, N);
            Tensor out = device.allocate(DType.F32, N);
            k.add(out, at, bt, N);
            assertClose(device.download(out), sum, 1e-7, "add");
            k.mul(out, at, bt, N);
            assertClose(device.download(out), prod, 1e-7, "mul");
            Tensor y = device.upload(b, N);
            k.axpy(y, 0.75f, at, N);
            assertClose(device.download(y), axpy, 1e-6, "axpy");
            k.scale(y, 2f, N);
            double[] doubled = axpy.clone();
            for (int i = 0; i < N; i++) doubled[i] *= 2;
            assertClose(device.download(y), doubled, 1e-6, "scale");
            assertThat(k.sumOfSquares(at, N)).isCloseTo(totalSquares, offset(1e-6 * totalSquares));
            assertThat(k.sum(at, N)).isCloseTo(total, offset(1e-3));
            assertThat(k.sum(at, 5)).isCloseTo((double) a[0] + a[1] + a[2] + a[3] + a[4], offset(1e-6));
            k.fill(out, -3f, N - 1);
            float[] filled = device.download(out);
            assertThat(filled[0]).isEqualTo(-3f);
            assertThat(filled[N - 2]).isEqualTo(-3f);
            assertThat(filled[N - 1]).isEqualTo((float) prod[N - 1]);
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void adamwFollowsPyTorchForTwoSteps(boolean simd) {
        Random random = new Random(5);
        float[] param = Fixtures.gaussian(random, N, 1f);
        float[] grad1 = Fixtures.gaussian(random, N, 1f);
        float[] grad2 = Fixtures.gaussian(random, N, 1f);
        float lr = 1e-2f;
        float b1 = 0.9f;
        float b2 = 0.999f;
        float eps = 1e-8f;
        float wd = 0.1f;
        double[] p = Fixtures.toDouble(param);
        double[] m = new double[N];
        double[] v = new double[N];
        for (int step = 1; step <= 2; step++) {
            float[] g = step == 1 ? grad1 : grad2;
            for (int i = 0; i < N; i++) {
                p[i] *= 1 - (double) lr * wd;
                m[i] = b1 * m[i] + (1 - (double) b1) * g[i];
                v[i] = b2 * v[i] + (1 - (double) b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, step));
                double vHat = v[i] / (1 - Math.pow(b2, step));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor pt = device.upload(param, N);
            Tensor mt = device.allocate(DType.F32, N);
            Tensor vt = device.allocate(DType.F32, N);
            device.kernels().adamw(pt, device.upload(grad1, N), mt, vt, N, lr, b1, b2, eps, wd, 1);
            device.kernels().adamw(pt, device.upload(grad2, N), mt, vt, N, lr, b1, b2, eps, wd, 2);
            assertClose(device.download(pt), p, 1e-5, "param");
            assertClose(device.download(mt), m, 1e-5, "m");
            assertClose(device.download(vt), v, 1e-5, "v");
        }
    }
}
