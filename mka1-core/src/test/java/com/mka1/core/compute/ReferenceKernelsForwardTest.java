package com.mka1.core.compute;

import com.mka1.spi.Bf16;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Forward kernels of the reference backend against values worked out by hand. */
class ReferenceKernelsForwardTest {
    private final ReferenceDevice dev = new ReferenceDevice();
    private final Kernels k = dev.kernels();

    private Tensor f(double[] v, int... shape) {
        Tensor t = dev.allocate(DType.F32, shape);
        dev.writeDoubles(t, v);
        return t;
    }

    @Test
    void matmulHonoursTransposesAlphaAndAccumulate() {
        Tensor a = f(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);          // [[1,2,3],[4,5,6]]
        Tensor b = f(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);          // [[1,0],[0,1],[1,1]]
        Tensor c = f(new double[] {10, 10, 10, 10}, 2, 2);
        k.matmul(c, a, b, 2, 2, 3, false, false, 2, true);             // C += 2 A B, A B = [[4,5],[10,11]]
        assertThat(dev.readDoubles(c)).containsExactly(18, 20, 30, 32);
        Tensor at = f(new double[] {1, 4, 2, 5, 3, 6}, 3, 2);         // A stored transposed
        Tensor bt = f(new double[] {1, 0, 1, 0, 1, 1}, 2, 3);         // B stored transposed
        k.matmul(c, at, bt, 2, 2, 3, true, true, 1, false);
        assertThat(dev.readDoubles(c)).containsExactly(4, 5, 10, 11);
    }

    @Test
    void bf16WeightsAreRoundedOnUploadAndUsedByMatmul() {
        Tensor w = dev.allocate(DType.BF16, 1, 1);
        dev.copyFromHost(new float[] {1.005f}, 0, w, 0, 1); // bf16 neighbours: 1.0 and 1.0078125
        assertThat(dev.readDoubles(w)[0]).isEqualTo(1.0078125);
        dev.copyFromHostBf16(new short[] {(short) 0x4040}, 0, w, 0, 1);     // 3.0
        Tensor x = f(new double[] {2}, 1, 1), y = dev.allocate(DType.F32, 1, 1);
        k.matmul(y, x, w, 1, 1, 1, false, true, 1, false);
        assertThat(dev.download(y)).containsExactly(6f);
        assertThat(Bf16.fromFloat(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80); // tie to even
        assertThat(Bf16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
    }

    @Test
    void rmsnormScalesByInverseRootMeanSquare() {
        Tensor x = f(new double[] {3, 4, 0, 0}, 1, 4), w = f(new double[] {1, 2, 1, 1}, 4);
        Tensor out = dev.allocate(DType.F32, 1, 4), rstd = dev.allocate(DType.F32, 1);
        k.rmsnormForward(out, rstd, x, w, 1, 4, 0);
        // mean square = 25/4, rstd = 2/5
        assertThat(dev.readDoubles(rstd)[0]).isCloseTo(0.4, within(1e-15));
        assertThat(dev.readDoubles(out)).containsExactly(new double[] {1.2, 3.2, 0, 0}, within(1e-15));
    }

    @Test
    void ropeRotatesHalvesByPositionTimesFrequency() {
        Tensor x = f(new double[] {1, 0, 0, 1}, 1, 1, 4);
        Tensor pos = dev.upload(new int[] {2}, 1), inv = dev.upload(new float[] {0.5f, 0.25f}, 2);
        k.rope(x, pos, inv, 1, 1, 4, false);
        // pair (x0,x2)=(1,0) by angle 1; pair (x1,x3)=(0,1) by angle 0.5
        assertThat(dev.readDoubles(x)).containsExactly(new double[] {Math.cos(1), -Math.sin(0.5), Math.sin(1), Math.cos(0.5)}, within(1e-15));
        k.rope(x, pos, inv, 1, 1, 4, true);
        assertThat(dev.readDoubles(x)).containsExactly(new double[] {1, 0, 0, 1}, within(1e-15));
    }

    @Test
    void attentionAveragesValuesWithinTheSegmentOnly() {
        // one head, headDim 1, scale 1; keys 0 and ln 3 give weights 1/4, 3/4
        Tensor q = f(new double[] {1, 1, 1}, 3, 1), key = f(new double[] {5, 0, Math.log(3)}, 3, 1);
        Tensor v = f(new double[] {100, 4, 8}, 3, 1), seg = dev.upload(new int[] {0, 1, 1}, 3);
        Tensor out = dev.allocate(DType.F32, 3, 1), lse = dev.allocate(DType.F32, 3, 1);
        k.attentionForward(out, lse, q, key, v, seg, 1, 3, 3, 1, 1, 1, 1f);
        assertThat(dev.readDoubles(out)).containsExactly(new double[] {100, 4, 7}, within(1e-12));
        assertThat(dev.readDoubles(lse)).containsExactly(new double[] {5, 0, Math.log(4)}, within(1e-12));
    }

    @Test
    void decodingWithShorterQueryMatchesTheLastRowsOfFullAttention() {
        int seq = 4, heads = 2, kvHeads = 1, hd = 2;
        java.util.Random r = new java.util.Random(3);
        double[] qv = new double[seq * heads * hd], kv = new double[seq * kvHeads * hd], vv = new double[seq * kvHeads * hd];
        for (int i = 0; i < qv.length; i++) qv[i] = r.nextGaussian();
        for (int i = 0; i < kv.length; i++) { kv[i] = r.nextGaussian(); vv[i] = r.nextGaussian(); }
        Tensor q = f(qv, seq, heads * hd), key = f(kv, seq, hd), v = f(vv, seq, hd);
        Tensor full = dev.allocate(DType.F32, seq, heads * hd);
        k.attentionForward(full, null, q, key, v, dev.upload(new int[seq], seq), 1, seq, seq, heads, kvHeads, hd, 0.7f);
        Tensor lastQ = dev.view(q, 2L * heads * hd, 2, heads * hd), part = dev.allocate(DType.F32, 2, heads * hd);
        k.attentionForward(part, null, lastQ, key, v, dev.upload(new int[2], 2), 1, 2, seq, heads, kvHeads, hd, 0.7f);
        double[] expected = java.util.Arrays.copyOfRange(dev.readDoubles(full), 2 * heads * hd, seq * heads * hd);
        assertThat(dev.readDoubles(part)).containsExactly(expected, within(1e-15));
    }

    @Test
    void crossEntropyLossAccuracyAndGradient() {
        Tensor logits = f(new double[] {0, Math.log(3), 0, 0, 1, 2}, 2, 3);
        Tensor targets = dev.upload(new int[] {1, -1}, 2), losses = dev.allocate(DType.F32, 2), correct = dev.allocate(DType.F32, 2);
        k.softmaxCrossEntropy(logits, losses, correct, targets, 2, 3, 2f, true);
        // row 0: z = 1 + 3 + 1 = 5, loss = ln 5 - ln 3, softmax = (0.2, 0.6, 0.2)
        assertThat(dev.readDoubles(losses)).containsExactly(new double[] {Math.log(5) - Math.log(3), 0}, within(1e-15));
        assertThat(dev.readDoubles(correct)).containsExactly(1, 0);
        assertThat(dev.readDoubles(logits)).containsExactly(new double[] {0.4, -0.8, 0.4, 0, 0, 0}, within(1e-15));
    }

    @Test
    void swigluAndElementwiseOps() {
        Tensor g = f(new double[] {0, 2}, 2), u = f(new double[] {5, 3}, 2), out = dev.allocate(DType.F32, 2);
        k.swigluForward(out, g, u, 2);
        assertThat(dev.readDoubles(out)).containsExactly(new double[] {0, 6 / (1 + Math.exp(-2))}, within(1e-15));
        k.add(out, g, u, 2);
        assertThat(dev.readDoubles(out)).containsExactly(5, 5);
        k.mul(out, out, u, 2);
        assertThat(dev.readDoubles(out)).containsExactly(25, 15);
        k.axpy(out, 2, g, 2);
        k.scale(out, 0.5f, 2);
        assertThat(dev.readDoubles(out)).containsExactly(12.5, 9.5);
        assertThat(k.sumOfSquares(out, 2)).isEqualTo(12.5 * 12.5 + 9.5 * 9.5);
        assertThat(k.sum(out, 2)).isEqualTo(22);
        k.fill(out, -1, 2);
        assertThat(dev.readDoubles(out)).containsExactly(-1, -1);
        Tensor bias = f(new double[] {1, 2}, 2), dbias = dev.allocate(DType.F32, 2), m = f(new double[] {1, 2, 3, 4}, 2, 2);
        k.addBias(m, bias, 2, 2);
        assertThat(dev.readDoubles(m)).containsExactly(2, 4, 4, 6);
        k.addBiasBackward(dbias, m, 2, 2);
        assertThat(dev.readDoubles(dbias)).containsExactly(6, 10);
    }

    @Test
    void adamwFirstStepMovesByLearningRateTimesSign() {
        Tensor p = f(new double[] {1, 1}, 2), g = f(new double[] {0.5, -2}, 2);
        Tensor m = dev.allocate(DType.F32, 2), v = dev.allocate(DType.F32, 2);
        k.adamw(p, g, m, v, 2, 0.1f, 0.9f, 0.999f, 0f, 0.5f, 1);
        // decay: 1 * (1 - 0.05) = 0.95; bias-corrected m/sqrt(v) = sign(g)
        double lr = 0.1f, decayed = 1 - lr * 0.5;
        assertThat(dev.readDoubles(p)).containsExactly(new double[] {decayed - lr, decayed + lr}, within(1e-9));
        assertThat(dev.readDoubles(m)).containsExactly(new double[] {0.05, -0.2}, within(1e-7));
    }

    @Test
    void viewsShareStorageAndFreedTensorsFailClearly() {
        Tensor base = f(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = dev.view(base, 3, 3);
        k.scale(row, 10, 3);
        assertThat(dev.readDoubles(base)).containsExactly(1, 2, 3, 40, 50, 60);
        assertThat(dev.memoryInfo().allocated()).isEqualTo(6 * 4);
        assertThatThrownBy(() -> dev.view(base, 4, 3)).hasMessageContaining("exceeds");
        dev.free(base);
        assertThat(dev.memoryInfo().allocated()).isZero();
        assertThatThrownBy(() -> k.fill(row, 0, 3)).hasMessageContaining("freed");
    }
}
