package com.mka1.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * Every kernel on the GPU against mka1-core's reference backend, on random inputs: each case
 * builds its tensors from the same host arrays on both devices, runs, and compares what it
 * downloads. The device under test is "cuda" unless {@code -Dmka1.test.backend=NAME} names
 * another, and the oracle "reference" unless {@code -Dmka1.test.oracle=NAME} does (to check the
 * harness itself on a machine without a GPU: {@code -Dmka1.test.backend=cpu -Dmka1.test.oracle=cpu}).
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaKernelsGpuTest {
    private static final float TOL = 2e-5f;

    private ComputeDevice reference;
    private ComputeDevice device;
    private final RandomInputs random = new RandomInputs(20261127);

    @BeforeAll
    void open() {
        reference = BackendUnderTest.openOracle();
        device = BackendUnderTest.openUnderTest();
    }

    @AfterAll
    void close() {
        if (device != null) device.close();
        if (reference != null) reference.close();
    }

    // ---- dense algebra -------------------------------------------------------------------

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4} acc={5} {6}")
    @CsvSource({
            "67, 45, 130, false, false, false, F32",
            "67, 45, 130, true, false, true, F32",
            "67, 45, 130, false, true, true, F32",
            "67, 45, 130, true, true, false, F32",
            "64, 64, 16, false, true, false, BF16",
            "130, 200, 576, false, true, true, BF16",
            "257, 96, 75, true, false, false, BF16",
            "1, 49, 3, false, false, true, F32",
            "1, 300, 576, false, true, false, F32",
            "1, 300, 576, false, true, true, BF16",
            "8, 77, 1536, false, true, true, F32",
            "3, 5, 33, false, true, false, BF16",
            "5, 7, 0, false, false, true, F32",
    })
    void matmul(int m, int n, int k, boolean transA, boolean transB, boolean accumulate, DType bType) {
        float[] a = random.gaussian(m * k), b = random.gaussian(k * n), c = random.gaussian(m * n);
        float alpha = 0.75f;
        compare("matmul", Math.max(TOL, 1e-6f * k), dev -> {
            Tensor tc = dev.upload(c, m, n), ta = dev.upload(a, transA ? k : m, transA ? m : k);
            Tensor tb = dev.allocate(bType, transB ? n : k, transB ? k : n);
            dev.copyFromHost(b, 0, tb, 0, b.length);
            dev.kernels().matmul(tc, ta, tb, m, n, k, transA, transB, alpha, accumulate);
            return new float[][] {dev.download(tc)};
        });
    }

    @Test
    void bias() {
        int rows = 33, cols = 70;
        float[] out = random.gaussian(rows * cols), bias = random.gaussian(cols), dbias = random.gaussian(cols), dout = random.gaussian(rows * cols);
        compare("bias", TOL, dev -> {
            Tensor o = dev.upload(out, rows, cols), b = dev.upload(bias, cols), db = dev.upload(dbias, cols);
            dev.kernels().addBias(o, b, rows, cols);
            dev.kernels().addBiasBackward(db, dev.upload(dout, rows, cols), rows, cols);
            return new float[][] {dev.download(o), dev.download(db)};
        });
    }

    // ---- embedding -----------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"F32", "BF16"})
    void embedding(DType tableType) {
        int vocab = 50, dim = 40, n = 64;
        float[] table = random.gaussian(vocab * dim), dout = random.gaussian(n * dim), dtable = random.gaussian(vocab * dim);
        int[] tokens = random.ints(n, vocab); // repeats: the backward must add them all
        compare("embedding", TOL, dev -> {
            Tensor t = dev.allocate(tableType, vocab, dim);
            dev.copyFromHost(table, 0, t, 0, table.length);
            Tensor tok = dev.upload(tokens, n), out = dev.allocate(DType.F32, n, dim);
            Tensor dt = dev.upload(dtable, vocab, dim);
            dev.kernels().embeddingForward(out, t, tok, n, dim);
            dev.kernels().embeddingBackward(dt, dev.upload(dout, n, dim), tok, n, dim);
            return new float[][] {dev.download(out), dev.download(dt)};
        });
    }

    // ---- normalisation and rope ----------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void rmsnorm(boolean trainWeight) {
        int n = 19, dim = 590; // 590: a partial block of 32 columns in the weight gradient
        float[] x = random.gaussian(n * dim), w = random.gaussian(dim), dout = random.gaussian(n * dim);
        float[] dx = random.gaussian(n * dim), dw = random.gaussian(dim);
        compare("rmsnorm", 1e-4f, dev -> {
            Kernels k = dev.kernels();
            Tensor tx = dev.upload(x, n, dim), tw = dev.upload(w, dim), out = dev.allocate(DType.F32, n, dim);
            Tensor rstd = dev.allocate(DType.F32, n), tdx = dev.upload(dx, n, dim), tdw = dev.upload(dw, dim);
            k.rmsnormForward(out, rstd, tx, tw, n, dim, 1e-5f);
            k.rmsnormBackward(tdx, trainWeight ? tdw : null, dev.upload(dout, n, dim), tx, tw, rstd, n, dim);
            return new float[][] {dev.download(out), dev.download(rstd), dev.download(tdx), dev.download(tdw)};
        });
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void rope(boolean inverse) {
        int n = 21, heads = 3, headDim = 64;
        float[] x = random.gaussian(n * heads * headDim), invFreq = new float[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) invFreq[i] = (float) Math.pow(10000.0, -2.0 * i / headDim);
        int[] positions = random.ints(n, 2048);
        compare("rope", 1e-4f, dev -> {
            Tensor t = dev.upload(x, n, heads * headDim);
            dev.kernels().rope(t, dev.upload(positions, n), dev.upload(invFreq, headDim / 2), n, heads, headDim, inverse);
            return new float[][] {dev.download(t)};
        });
    }

    // ---- attention -----------------------------------------------------------------------

    @ParameterizedTest(name = "batch={0} qLen={1} kvLen={2} heads={3} kvHeads={4} headDim={5}")
    @CsvSource({
            "2, 37, 37, 6, 2, 64",
            "1, 50, 50, 4, 4, 80",
            "3, 16, 16, 9, 3, 32",
            "2, 3, 20, 4, 2, 64",
            "1, 1, 33, 2, 1, 128",
            "4, 128, 128, 8, 4, 64",
            "1, 130, 130, 4, 2, 64",
            "2, 5, 300, 6, 2, 64",
            "1, 1, 700, 9, 3, 64",
            "2, 200, 200, 2, 1, 8",
            "1, 150, 170, 3, 3, 48",
            "1, 40, 40, 2, 2, 30",
            "1, 40, 40, 2, 1, 160",
    })
    void attentionForward(int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim) {
        // head dims of whole float4s up to 128 run the tiled kernels, 30 and 160 the per-warp ones;
        // "2, 5, 300", "1, 1, 33" and "1, 1, 700" split the keys across warps (few query-head pairs: decoding)
        AttentionCase c = AttentionCase.random(random, batch, qLen, kvLen, heads, kvHeads, headDim, 9);
        compare("attention forward", 1e-4f, c::forward);
    }

    @ParameterizedTest(name = "batch={0} seqLen={1} heads={2} kvHeads={3} headDim={4}")
    @CsvSource({"2, 37, 6, 2, 64", "1, 50, 4, 4, 80", "3, 16, 9, 3, 32", "2, 130, 6, 2, 64", "1, 140, 2, 1, 128",
            "2, 200, 2, 2, 8", "1, 70, 3, 1, 48", "1, 40, 2, 2, 30", "1, 40, 2, 1, 160"})
    void attentionBackward(int batch, int seqLen, int heads, int kvHeads, int headDim) {
        AttentionCase c = AttentionCase.random(random, batch, seqLen, seqLen, heads, kvHeads, headDim, 9).withGradients(random);
        compare("attention backward", 2e-4f, c::backward);
    }

    // ---- fused kernels: against the reference's separate calls ---------------------------

    @ParameterizedTest(name = "n={0} dim={1}")
    @CsvSource({"7, 576", "3, 2048", "1, 33"})
    void addRmsnormForward(int n, int dim) {
        float[] x = random.gaussian(n * dim), branch = random.gaussian(n * dim), w = random.gaussian(dim);
        compare("add + rmsnorm", TOL, dev -> {
            Tensor sum = dev.allocate(DType.F32, n, dim), out = dev.allocate(DType.F32, n, dim), rstd = dev.allocate(DType.F32, n);
            dev.kernels().addRmsnormForward(sum, out, rstd, dev.upload(x, n, dim), dev.upload(branch, n, dim), dev.upload(w, dim),
                    n, dim, 1e-5f);
            return new float[][] {dev.download(sum), dev.download(out), dev.download(rstd)};
        });
    }

    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} rotaryDim={3} inverse={4}")
    @CsvSource({"32, 8, 64, 64, false", "9, 3, 64, 32, true", "4, 4, 128, 128, false"})
    void ropeOnQueriesAndKeys(int heads, int kvHeads, int headDim, int rotaryDim, boolean inverse) {
        int n = 13;
        float[] q = random.gaussian(n * heads * headDim), k = random.gaussian(n * kvHeads * headDim), freq = new float[rotaryDim / 2];
        for (int i = 0; i < freq.length; i++) freq[i] = (float) Math.pow(10000, -2.0 * i / rotaryDim);
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) positions[t] = 3 * t + 1;
        compare("rope q+k", TOL, dev -> {
            Tensor tq = dev.upload(q, n, heads * headDim), tk = dev.upload(k, n, kvHeads * headDim);
            dev.kernels().ropeQK(tq, tk, dev.upload(positions, n), dev.upload(freq, freq.length), n, heads, kvHeads, headDim,
                    rotaryDim, 1.25f, inverse);
            return new float[][] {dev.download(tq), dev.download(tk)};
        });
    }

    @Test
    void multiTensorAdamW() {
        int[] sizes = {576 * 3, 1, 4097, 64};
        float[][] init = new float[sizes.length * 4][];
        for (int i = 0; i < init.length; i++) {
            init[i] = random.gaussian(sizes[i / 4]);
            if (i % 4 == 3) for (int j = 0; j < init[i].length; j++) init[i][j] = Math.abs(init[i][j]); // v >= 0
        }
        compare("adamw (all parameters)", TOL, dev -> {
            java.util.List<com.mka1.spi.AdamWParameter> ps = new java.util.ArrayList<>();
            Tensor[] t = new Tensor[init.length];
            for (int i = 0; i < init.length; i++) t[i] = dev.upload(init[i], init[i].length);
            for (int p = 0; p < sizes.length; p++) {
                ps.add(new com.mka1.spi.AdamWParameter(t[4 * p], t[4 * p + 1], t[4 * p + 2], t[4 * p + 3], p % 2 == 0 ? 0.1f : 0f));
            }
            for (int step = 1; step <= 3; step++) dev.kernels().adamw(ps, 1e-2f, 0.9f, 0.999f, 1e-8f, step);
            float[][] out = new float[sizes.length * 3][];
            for (int p = 0; p < sizes.length; p++) {
                out[3 * p] = dev.download(t[4 * p]);
                out[3 * p + 1] = dev.download(t[4 * p + 2]);
                out[3 * p + 2] = dev.download(t[4 * p + 3]);
            }
            return out;
        });
    }

    // ---- MLP, loss, elementwise ----------------------------------------------------------

    @Test
    void swiglu() {
        int n = 1000;
        float[] gate = random.gaussian(n), up = random.gaussian(n), dout = random.gaussian(n), dgate = random.gaussian(n), dup = random.gaussian(n);
        compare("swiglu", TOL, dev -> {
            Kernels k = dev.kernels();
            Tensor g = dev.upload(gate, n), u = dev.upload(up, n), out = dev.allocate(DType.F32, n);
            Tensor dg = dev.upload(dgate, n), du = dev.upload(dup, n);
            k.swigluForward(out, g, u, n);
            k.swigluBackward(dg, du, dev.upload(dout, n), g, u, n);
            return new float[][] {dev.download(out), dev.download(dg), dev.download(du)};
        });
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void softmaxCrossEntropy(boolean computeGradient) {
        int n = 9, vocab = 1000;
        float[] logits = random.gaussian(n * vocab);
        for (int i = 0; i < logits.length; i++) logits[i] *= 4;
        int[] targets = random.ints(n, vocab);
        targets[2] = -100;
        targets[7] = -1;
        // row 4 predicts its target: its maximum sits at the target index
        logits[4 * vocab + targets[4]] = 100f;
        compare("cross-entropy", 1e-5f, dev -> {
            Tensor lg = dev.upload(logits, n, vocab), losses = dev.allocate(DType.F32, n), correct = dev.allocate(DType.F32, n);
            dev.kernels().softmaxCrossEntropy(lg, losses, correct, dev.upload(targets, n), n, vocab, 0.125f, computeGradient);
            return new float[][] {dev.download(losses), dev.download(correct), dev.download(lg)};
        });
    }

    @Test
    void elementwiseAndReductions() {
        int n = 100_003;
        float[] a = random.gaussian(n), b = random.gaussian(n);
        float[][] expected = runOn(reference, elementwise(a, b, n));
        float[][] actual = runOn(device, elementwise(a, b, n));
        assertClose("elementwise", actual, expected, TOL);
        // actual[5] holds {sum, sumOfSquares} narrowed to float; both are summed in double
        assertThat(actual[5][0]).isCloseTo(expected[5][0], withPercentage(1e-3));
        assertThat(actual[5][1]).isCloseTo(expected[5][1], withPercentage(1e-4));
    }

    private static Function<ComputeDevice, float[][]> elementwise(float[] a, float[] b, int n) {
        return dev -> {
            Kernels k = dev.kernels();
            Tensor ta = dev.upload(a, n), tb = dev.upload(b, n);
            Tensor sum = dev.allocate(DType.F32, n), prod = dev.allocate(DType.F32, n);
            k.add(sum, ta, tb, n);
            k.mul(prod, ta, tb, n);
            Tensor y = dev.upload(a, n);
            k.axpy(y, -0.5f, tb, n);
            k.scale(y, 3f, n);
            Tensor filled = dev.allocate(DType.F32, n);
            k.fill(filled, 0.25f, n - 3);
            k.add(ta, ta, tb, n); // out aliases a
            float[] reductions = {(float) k.sum(prod, n), (float) k.sumOfSquares(sum, n)};
            return new float[][] {dev.download(sum), dev.download(prod), dev.download(y), dev.download(filled),
                    dev.download(ta), reductions};
        };
    }

    @Test
    void adamw() {
        int n = 5000;
        float[] param = random.gaussian(n), m = new float[n], v = new float[n];
        float[][] grads = {random.gaussian(n), random.gaussian(n), random.gaussian(n)};
        compare("adamw", 1e-5f, dev -> {
            Tensor p = dev.upload(param, n), tm = dev.upload(m, n), tv = dev.upload(v, n);
            for (int step = 1; step <= grads.length; step++) {
                dev.kernels().adamw(p, dev.upload(grads[step - 1], n), tm, tv, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, step);
            }
            return new float[][] {dev.download(p), dev.download(tm), dev.download(tv)};
        });
    }

    // ---- the device itself ---------------------------------------------------------------

    @Test
    void copiesViewsAndBf16RoundTrip() {
        float[] data = random.gaussian(1000);
        compare("copies", 0f, dev -> {
            Tensor t = dev.upload(data, 10, 100);
            Tensor view = dev.view(t, 250, 5, 50);
            Tensor dst = dev.allocate(DType.F32, 300);
            dev.copy(view, 10, dst, 7, 200);
            dev.kernels().scale(view, 2f, 10);
            Tensor bf = dev.allocate(DType.BF16, 1000);
            dev.copyFromHost(data, 0, bf, 0, 1000);
            float[] part = new float[30];
            dev.copyToHost(t, 240, part, 0, 30);
            return new float[][] {dev.download(dst), dev.download(t), dev.download(bf), part};
        });
    }

    @Test
    void memoryIsPooledAndAccounted() {
        long before = device.memoryInfo().allocated();
        Tensor t = device.allocate(DType.F32, 1024, 1024);
        assertThat(device.memoryInfo().allocated()).isEqualTo(before + 4L * 1024 * 1024);
        assertThat(device.memoryInfo().peak()).isGreaterThanOrEqualTo(before + 4L * 1024 * 1024);
        assertThat(device.memoryInfo().total()).isGreaterThan(1L << 30);
        device.free(t);
        assertThat(device.memoryInfo().allocated()).isEqualTo(before);
        Tensor again = device.allocate(DType.F32, 1024, 1024);
        assertThat(device.download(again)).containsOnly(0f); // reused block, zero-filled again
        device.free(again);
    }

    // ---- harness -------------------------------------------------------------------------

    private void compare(String what, float tolerance, Function<ComputeDevice, float[][]> kernelCase) {
        assertClose(what, runOn(device, kernelCase), runOn(reference, kernelCase), tolerance);
    }

    private static float[][] runOn(ComputeDevice dev, Function<ComputeDevice, float[][]> kernelCase) {
        float[][] out = kernelCase.apply(dev);
        dev.synchronize();
        return out;
    }

    /** Max |actual - expected| / (1 + |expected|) per output must stay within {@code tolerance}. */
    static void assertClose(String what, float[][] actual, float[][] expected, float tolerance) {
        assertThat(actual.length).as(what + ": outputs").isEqualTo(expected.length);
        for (int o = 0; o < expected.length; o++) {
            assertThat(actual[o]).as(what + ": output " + o + " length").hasSameSizeAs(expected[o]);
            double worst = 0;
            int worstAt = -1;
            for (int i = 0; i < expected[o].length; i++) {
                double err = Math.abs((double) actual[o][i] - expected[o][i]) / (1 + Math.abs(expected[o][i]));
                if (!(err <= worst)) {
                    worst = err;
                    worstAt = i;
                }
            }
            String where = worstAt < 0 ? "" : " worst at " + worstAt + ": actual " + actual[o][worstAt]
                    + " expected " + expected[o][worstAt];
            assertThat(worst).as(what + ": output " + o + where).isLessThanOrEqualTo(tolerance);
        }
    }
}
