package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.mka1.core.compute.ReferenceBackend;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same kernel sequences on this backend and on mka1-core's reference backend (double
 * precision), outputs compared within {@code 2e-5 * (1 + |reference|)} (5e-5 for attention
 * gradients): a linear layer's three matmuls with a BF16 weight, attention forward and backward
 * over packed rows (also with sliding windows and score soft-capping), the fused loss, and a norm / rope / SwiGLU / AdamW chain.
 */
class AgainstReferenceBackendTest {

    /** Runs {@code scenario} on a fresh device of each backend and compares every output. */
    private static void compare(boolean simd, double tolerance, Function<ComputeDevice, List<float[]>> scenario) {
        List<float[]> want;
        try (ComputeDevice reference = new ReferenceBackend().open(BackendOptions.defaults())) {
            want = scenario.apply(reference);
        }
        List<float[]> got;
        try (ComputeDevice cpu = Fixtures.open(simd, 2)) {
            got = scenario.apply(cpu);
        }
        assertThat(got).hasSameSizeAs(want);
        for (int o = 0; o < want.size(); o++) {
            float[] w = want.get(o);
            float[] g = got.get(o);
            assertThat(g).as("output %d", o).hasSameSizeAs(w);
            for (int i = 0; i < w.length; i++) {
                assertThat((double) g[i]).as("output %d [%d]", o, i).isCloseTo(w[i], offset(tolerance * (1 + Math.abs(w[i]))));
            }
        }
    }

    private static Tensor random(ComputeDevice d, DType dtype, long seed, int n, float scale) {
        float[] x = Fixtures.gaussian(new Random(seed), n, scale);
        Tensor t = d.allocate(dtype, n);
        d.copyFromHost(x, 0, t, 0, n);
        return t;
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void linearLayerWithFrozenBf16Weight(boolean simd) {
        int tokens = 37;
        int in = 70;
        int out = 45;
        compare(simd, 2e-5, d -> {
            Kernels k = d.kernels();
            Tensor x = random(d, DType.F32, 1, tokens * in, 1f);
            Tensor w = random(d, DType.BF16, 2, out * in, 0.2f);
            Tensor wF32 = random(d, DType.F32, 2, out * in, 0.2f);
            Tensor dy = random(d, DType.F32, 3, tokens * out, 1f);
            Tensor y = d.allocate(DType.F32, tokens * out);
            Tensor dx = random(d, DType.F32, 4, tokens * in, 1f);
            Tensor dw = random(d, DType.F32, 5, out * in, 1f);
            k.matmul(y, x, w, tokens, out, in, false, true, 1f, false);
            k.matmul(dx, dy, w, tokens, in, out, false, false, 1f, true);
            k.matmul(dw, dy, x, out, in, tokens, true, false, 0.5f, true);
            k.matmul(y, x, wF32, tokens, out, in, false, true, -1f, true);
            return List.of(d.download(y), d.download(dx), d.download(dw));
        });
    }

    /**
     * Head dims below and above the 32-column tile; 61 rows span three 16-key transpose groups and a
     * tail, with packed examples starting at 8 and 50; 157 rows span several of backward's query
     * groups (8 tiles of up to 8 rows each), the last a partial one.
     */
    @ParameterizedTest(name = "simd={0} hd={1} window={2} softcap={3} seq={4}")
    @CsvSource({"true, 24, 0, 0, 61", "false, 24, 0, 0, 61", "true, 40, 0, 0, 61", "false, 40, 0, 0, 61",
                "true, 24, 7, 0, 61", "false, 24, 7, 0, 61", "true, 40, 13, 1.5, 61", "false, 40, 0, 1.5, 61",
                "true, 24, 0, 0, 157", "false, 40, 0, 0, 157", "true, 40, 45, 0, 157"})
    void attentionForwardAndBackwardOverPackedRows(boolean simd, int hd, int window, float softcap, int seq) {
        int batch = 2;
        int heads = 4;
        int kvHeads = 2;
        float scale = (float) (1 / Math.sqrt(hd));
        int[] seg = new int[batch * seq];
        for (int i = 0; i < seq; i++) seg[i] = i >= 50 ? 50 : i >= 8 ? 8 : 0;
        // a sliding window moves each query's first key up to its last `window` positions (as LlamaModel does)
        for (int i = 0; window > 0 && i < seg.length; i++) seg[i] = Math.max(seg[i], i % seq - window + 1);
        compare(simd, 5e-5, d -> {
            Kernels k = d.kernels();
            int qn = batch * seq * heads * hd;
            int kvn = batch * seq * kvHeads * hd;
            Tensor q = random(d, DType.F32, 1, qn, 1f);
            Tensor kk = random(d, DType.F32, 2, kvn, 1f);
            Tensor v = random(d, DType.F32, 3, kvn, 1f);
            Tensor segT = d.upload(seg, seg.length);
            Tensor o = d.allocate(DType.F32, qn);
            Tensor lse = d.allocate(DType.F32, batch * seq * heads);
            k.attentionForward(o, lse, q, kk, v, segT, batch, seq, seq, heads, kvHeads, hd, scale, softcap);
            Tensor dout = random(d, DType.F32, 4, qn, 1f);
            Tensor dq = random(d, DType.F32, 5, qn, 1f);
            Tensor dk = random(d, DType.F32, 6, kvn, 1f);
            Tensor dv = random(d, DType.F32, 7, kvn, 1f);
            k.attentionBackward(dq, dk, dv, dout, o, lse, q, kk, v, segT, batch, seq, heads, kvHeads, hd, scale, softcap);
            return List.of(d.download(o), d.download(lse), d.download(dq), d.download(dk), d.download(dv));
        });
    }

    /**
     * Decoding: fewer queries than a tile has rows (the dot-product path) against a 61-key cache,
     * batch row 0's example starting at key 8, with sliding windows and soft-capping.
     */
    @ParameterizedTest(name = "simd={0} qLen={1} window={2} softcap={3}")
    @CsvSource({"true, 1, 0, 0", "false, 1, 0, 0", "true, 3, 7, 0", "false, 3, 0, 1.5", "true, 2, 13, 1.5",
                "false, 2, 5, 0"})
    void attentionDecodingAgainstACache(boolean simd, int qLen, int window, float softcap) {
        int batch = 2;
        int kvLen = 61;
        int heads = 4;
        int kvHeads = 2;
        int hd = 40;
        float scale = (float) (1 / Math.sqrt(hd));
        int[] seg = new int[batch * qLen];
        for (int r = 0; r < seg.length; r++) {
            seg[r] = r < qLen ? 8 : 0;
            if (window > 0) seg[r] = Math.max(seg[r], kvLen - qLen + r % qLen - window + 1);
        }
        compare(simd, 5e-5, d -> {
            int qn = batch * qLen * heads * hd;
            int kvn = batch * kvLen * kvHeads * hd;
            Tensor o = d.allocate(DType.F32, qn);
            Tensor lse = d.allocate(DType.F32, batch * qLen * heads);
            d.kernels().attentionForward(o, lse, random(d, DType.F32, 1, qn, 1f), random(d, DType.F32, 2, kvn, 1f),
                    random(d, DType.F32, 3, kvn, 1f), d.upload(seg, seg.length), batch, qLen, kvLen, heads, kvHeads,
                    hd, scale, softcap);
            return List.of(d.download(o), d.download(lse));
        });
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void fusedLossWithMaskedRow(boolean simd) {
        int n = 6;
        int vocab = 301;
        compare(simd, 2e-5, d -> {
            Tensor logits = random(d, DType.F32, 1, n * vocab, 2f);
            Tensor losses = d.allocate(DType.F32, n);
            Tensor correct = d.allocate(DType.F32, n);
            Tensor targets = d.upload(new int[] {0, 300, -1, 17, 150, 299}, n);
            d.kernels().softmaxCrossEntropy(logits, losses, correct, targets, n, vocab, 1f / 5, true);
            return List.of(d.download(logits), d.download(losses), d.download(correct));
        });
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void normRopeSwigluAndAdamwChain(boolean simd) {
        int n = 11;
        int heads = 3;
        int hd = 10;
        int dim = heads * hd;
        compare(simd, 2e-5, d -> {
            Kernels k = d.kernels();
            List<float[]> outputs = new ArrayList<>();
            Tensor x = random(d, DType.F32, 1, n * dim, 2f);
            Tensor w = random(d, DType.F32, 2, dim, 1f);
            Tensor h = d.allocate(DType.F32, n * dim);
            Tensor rstd = d.allocate(DType.F32, n);
            k.rmsnormForward(h, rstd, x, w, n, dim, 1e-5f);
            int[] pos = new int[n];
            for (int i = 0; i < n; i++) pos[i] = 3 * i;
            float[] freq = new float[hd / 2];
            for (int i = 0; i < freq.length; i++) freq[i] = (float) Math.pow(10000, -2.0 * i / hd);
            Tensor posT = d.upload(pos, n);
            Tensor freqT = d.upload(freq, freq.length);
            k.rope(h, posT, freqT, n, heads, hd, false);
            k.rope(h, posT, freqT, n, heads, hd, hd - 4, 1.2f, false); // partial rotary with an attention factor
            Tensor up = random(d, DType.F32, 3, n * dim, 1f);
            Tensor act = d.allocate(DType.F32, n * dim);
            k.swigluForward(act, h, up, (long) n * dim);
            outputs.add(d.download(act));
            Tensor dact = random(d, DType.F32, 4, n * dim, 1f);
            Tensor dh = d.allocate(DType.F32, n * dim);
            Tensor dup = d.allocate(DType.F32, n * dim);
            k.swigluBackward(dh, dup, dact, h, up, (long) n * dim);
            k.rope(dh, posT, freqT, n, heads, hd, hd - 4, 1.2f, true);
            k.rope(dh, posT, freqT, n, heads, hd, true);
            Tensor dx = d.allocate(DType.F32, n * dim);
            Tensor dw = d.allocate(DType.F32, dim);
            k.rmsnormBackward(dx, dw, dh, x, w, rstd, n, dim);
            outputs.add(d.download(dup));
            outputs.add(d.download(dx));
            outputs.add(d.download(dw));
            Tensor m = d.allocate(DType.F32, dim);
            Tensor v = d.allocate(DType.F32, dim);
            k.adamw(w, dw, m, v, dim, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, 1);
            outputs.add(d.download(w));
            outputs.add(new float[] {(float) k.sumOfSquares(dx, (long) n * dim), (float) k.sum(dup, (long) n * dim)});
            return outputs;
        });
    }
}
