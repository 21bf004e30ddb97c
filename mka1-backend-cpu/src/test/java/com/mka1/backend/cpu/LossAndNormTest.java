package com.mka1.backend.cpu;

import static com.mka1.backend.cpu.AttentionTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Softmax cross-entropy, RMSNorm and RoPE against double-precision formulas (tolerances per test). */
class LossAndNormTest {

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void softmaxCrossEntropyGivesLossAccuracyAndGradient(boolean simd) {
        int n = 4;
        int vocab = 1003;
        Random random = new Random(3);
        float[] logits = Fixtures.gaussian(random, n * vocab, 3f);
        int[] targets = {17, -1, 1002, 500};
        logits[17] = 20f; // row 0: target is the unique max -> correct
        logits[3 * vocab + 500] = 25f; // row 3: target ties an earlier max -> not correct
        logits[3 * vocab + 2] = 25f;
        float gradScale = 0.25f;
        double[] wantLoss = new double[n];
        double[] wantGrad = new double[n * vocab];
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) max = Math.max(max, logits[i * vocab + j]);
            double sum = 0;
            for (int j = 0; j < vocab; j++) sum += Math.exp(logits[i * vocab + j] - max);
            wantLoss[i] = max + Math.log(sum) - logits[i * vocab + targets[i]];
            for (int j = 0; j < vocab; j++) {
                wantGrad[i * vocab + j] = gradScale * (Math.exp(logits[i * vocab + j] - max) / sum - (j == targets[i] ? 1 : 0));
            }
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor lg = device.upload(logits, n, vocab);
            Tensor losses = device.allocate(DType.F32, n);
            Tensor correct = device.allocate(DType.F32, n);
            device.kernels().softmaxCrossEntropy(lg, losses, correct, device.upload(targets, n), n, vocab, gradScale, false);
            assertClose(device.download(losses), wantLoss, 1e-5, "loss");
            assertThat(device.download(correct)).containsExactly(1f, 0f, 0f, 0f);
            assertThat(device.download(lg)).containsExactly(logits);
            device.kernels().softmaxCrossEntropy(lg, losses, null, device.upload(targets, n), n, vocab, gradScale, true);
            assertClose(device.download(lg), wantGrad, 1e-5, "grad"); // softmax - onehot cancels at confident targets
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void rmsnormForwardAndBackward(boolean simd) {
        int n = 9;
        int dim = 83;
        float eps = 1e-5f;
        Random random = new Random(4);
        float[] x = Fixtures.gaussian(random, n * dim, 2f);
        float[] w = Fixtures.gaussian(random, dim, 1f);
        float[] dout = Fixtures.gaussian(random, n * dim, 1f);
        float[] dx0 = Fixtures.gaussian(random, n * dim, 1f);
        float[] dw0 = Fixtures.gaussian(random, dim, 1f);
        double[] rstd = new double[n];
        double[] out = new double[n * dim];
        double[] dx = Fixtures.toDouble(dx0);
        double[] dw = Fixtures.toDouble(dw0);
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int j = 0; j < dim; j++) ss += (double) x[i * dim + j] * x[i * dim + j];
            rstd[i] = 1 / Math.sqrt(ss / dim + eps);
            double dot = 0;
            for (int j = 0; j < dim; j++) {
                out[i * dim + j] = x[i * dim + j] * rstd[i] * w[j];
                dot += (double) dout[i * dim + j] * w[j] * x[i * dim + j];
            }
            for (int j = 0; j < dim; j++) {
                dx[i * dim + j] += rstd[i] * w[j] * dout[i * dim + j] - x[i * dim + j] * Math.pow(rstd[i], 3) * dot / dim;
                dw[j] += dout[i * dim + j] * x[i * dim + j] * rstd[i];
            }
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor xt = device.upload(x, n, dim);
            Tensor wt = device.upload(w, dim);
            Tensor outT = device.allocate(DType.F32, n, dim);
            Tensor rstdT = device.allocate(DType.F32, n);
            device.kernels().rmsnormForward(outT, rstdT, xt, wt, n, dim, eps);
            assertClose(device.download(outT), out, 1e-5, "out");
            assertClose(device.download(rstdT), rstd, 1e-6, "rstd");
            Tensor dxT = device.upload(dx0, n * dim);
            Tensor dwT = device.upload(dw0, dim);
            device.kernels().rmsnormBackward(dxT, dwT, device.upload(dout, n * dim), xt, wt, rstdT, n, dim);
            assertClose(device.download(dxT), dx, 2e-5, "dx");
            assertClose(device.download(dwT), dw, 2e-5, "dweight");
            Tensor frozen = device.upload(dx0, n * dim);
            device.kernels().rmsnormBackward(frozen, null, device.upload(dout, n * dim), xt, wt, rstdT, n, dim);
            assertClose(device.download(frozen), dx, 2e-5, "dx with frozen weight");
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void ropeRotatesHalvesAndInverseUndoesIt(boolean simd) {
        int n = 5;
        int heads = 3;
        int headDim = 18;
        int half = headDim / 2;
        Random random = new Random(6);
        float[] x = Fixtures.gaussian(random, n * heads * headDim, 1f);
        int[] positions = {0, 1, 7, 300, 4095};
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) invFreq[i] = (float) Math.pow(10000, -2.0 * i / headDim);
        double[] want = new double[x.length];
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads; h++) {
                int base = (t * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    float angle = positions[t] * invFreq[i];
                    double c = (float) Math.cos(angle);
                    double s = (float) Math.sin(angle);
                    want[base + i] = x[base + i] * c - x[base + i + half] * s;
                    want[base + i + half] = x[base + i + half] * c + x[base + i] * s;
                }
            }
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor xt = device.upload(x, x.length);
            Tensor pos = device.upload(positions, n);
            Tensor freq = device.upload(invFreq, half);
            device.kernels().rope(xt, pos, freq, n, heads, headDim, false);
            assertClose(device.download(xt), want, 1e-6, "rotated");
            device.kernels().rope(xt, pos, freq, n, heads, headDim, true);
            assertClose(device.download(xt), Fixtures.toDouble(x), 1e-6, "restored");
        }
    }

    /** Partial rotary (Phi-4-mini): only the first rotaryDim dims of each head turn, scaled by the attention factor. */
    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void partialRopeRotatesTheLeadingDimensionsScaledAndPassesTheRest(boolean simd) {
        int n = 4;
        int heads = 2;
        int headDim = 16;
        int rotaryDim = 12;
        int half = rotaryDim / 2;
        float factor = 1.25f;
        Random random = new Random(8);
        float[] x = Fixtures.gaussian(random, n * heads * headDim, 1f);
        int[] positions = {0, 5, 90, 2047};
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) invFreq[i] = (float) Math.pow(10000, -2.0 * i / rotaryDim);
        double[] want = Fixtures.toDouble(x);
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads; h++) {
                int base = (t * heads + h) * headDim;
                for (int i = 0; i < half; i++) {
                    float angle = positions[t] * invFreq[i];
                    double c = factor * (float) Math.cos(angle);
                    double s = factor * (float) Math.sin(angle);
                    want[base + i] = x[base + i] * c - x[base + i + half] * s;
                    want[base + i + half] = x[base + i + half] * c + x[base + i] * s;
                }
            }
        }
        double[] restored = Fixtures.toDouble(x); // the transpose of factor * R is factor * R^T: factor^2 overall
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < rotaryDim; i++) restored[(t * heads + h) * headDim + i] *= factor * factor;
            }
        }
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor xt = device.upload(x, x.length);
            Tensor pos = device.upload(positions, n);
            Tensor freq = device.upload(invFreq, half);
            device.kernels().rope(xt, pos, freq, n, heads, headDim, rotaryDim, factor, false);
            assertClose(device.download(xt), want, 2e-6, "rotated");
            device.kernels().rope(xt, pos, freq, n, heads, headDim, rotaryDim, factor, true);
            assertClose(device.download(xt), restored, 2e-6, "inverse");
        }
    }
}
