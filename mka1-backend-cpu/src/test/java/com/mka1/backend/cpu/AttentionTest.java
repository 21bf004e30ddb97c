package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fused causal GQA attention against the double-precision oracle with its full score matrix.
 * Tolerance 2e-5 absolute on outputs and log-sum-exp (inputs of unit scale), 5e-5 on gradients.
 */
class AttentionTest {
    private static final int BATCH = 2;
    private static final int SEQ = 37;
    private static final int HEADS = 6;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = 20;
    private static final float SCALE = (float) (1 / Math.sqrt(HEAD_DIM));

    /** Row 0 packs two examples (the second starts at 15); row 1 is one example. */
    private static int[] segments(int batch, int qLen, int kvLen) {
        int[] seg = new int[batch * qLen];
        for (int i = 0; i < qLen; i++) {
            int pos = kvLen - qLen + i;
            seg[i] = pos >= 15 ? 15 : 0;
        }
        return seg;
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void forwardMatchesFullSoftmaxWithPackedSegments(boolean simd) {
        checkForward(simd, SEQ, SEQ);
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void decodingWithFewerQueriesThanKeysSeesTheWholeCache(boolean simd) {
        checkForward(simd, 3, 40);
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void prefillOfSeveralTilesAgainstALongerCache(boolean simd) {
        checkForward(simd, 13, 40);
    }

    private static void checkForward(boolean simd, int qLen, int kvLen) {
        Random random = new Random(11);
        float[] q = Fixtures.gaussian(random, BATCH * qLen * HEADS * HEAD_DIM, 1f);
        float[] k = Fixtures.gaussian(random, BATCH * kvLen * KV_HEADS * HEAD_DIM, 1f);
        float[] v = Fixtures.gaussian(random, BATCH * kvLen * KV_HEADS * HEAD_DIM, 1f);
        int[] seg = segments(BATCH, qLen, kvLen);
        NaiveMath.AttentionResult want = NaiveMath.attention(q, k, v, seg, BATCH, qLen, kvLen, HEADS, KV_HEADS,
                HEAD_DIM, SCALE);
        try (ComputeDevice device = Fixtures.open(simd, 2)) {
            Tensor out = device.allocate(DType.F32, BATCH * qLen, HEADS * HEAD_DIM);
            Tensor lse = device.allocate(DType.F32, BATCH * qLen, HEADS);
            device.kernels().attentionForward(out, lse, device.upload(q, q.length), device.upload(k, k.length),
                    device.upload(v, v.length), device.upload(seg, seg.length), BATCH, qLen, kvLen, HEADS, KV_HEADS,
                    HEAD_DIM, SCALE);
            assertClose(device.download(out), want.out(), 2e-5, "out");
            assertClose(device.download(lse), want.lse(), 2e-5, "lse");
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void backwardAccumulatesTheChainRuleGradients(boolean simd) {
        Random random = new Random(12);
        float[] q = Fixtures.gaussian(random, BATCH * SEQ * HEADS * HEAD_DIM, 1f);
        float[] k = Fixtures.gaussian(random, BATCH * SEQ * KV_HEADS * HEAD_DIM, 1f);
        float[] v = Fixtures.gaussian(random, BATCH * SEQ * KV_HEADS * HEAD_DIM, 1f);
        float[] dout = Fixtures.gaussian(random, q.length, 1f);
        float[] dq0 = Fixtures.gaussian(random, q.length, 1f);
        float[] dk0 = Fixtures.gaussian(random, k.length, 1f);
        float[] dv0 = Fixtures.gaussian(random, v.length, 1f);
        int[] seg = segments(BATCH, SEQ, SEQ);
        NaiveMath.AttentionGrads want = NaiveMath.attentionBackward(dout, q, k, v, seg, BATCH, SEQ, HEADS, KV_HEADS,
                HEAD_DIM, SCALE);
        try (ComputeDevice device = Fixtures.open(simd, 3)) {
            Tensor qt = device.upload(q, q.length);
            Tensor kt = device.upload(k, k.length);
            Tensor vt = device.upload(v, v.length);
            Tensor segT = device.upload(seg, seg.length);
            Tensor out = device.allocate(DType.F32, q.length);
            Tensor lse = device.allocate(DType.F32, BATCH * SEQ * HEADS);
            device.kernels().attentionForward(out, lse, qt, kt, vt, segT, BATCH, SEQ, SEQ, HEADS, KV_HEADS, HEAD_DIM, SCALE);
            Tensor dq = device.upload(dq0, dq0.length);
            Tensor dk = device.upload(dk0, dk0.length);
            Tensor dv = device.upload(dv0, dv0.length);
            device.kernels().attentionBackward(dq, dk, dv, device.upload(dout, dout.length), out, lse, qt, kt, vt, segT,
                    BATCH, SEQ, HEADS, KV_HEADS, HEAD_DIM, SCALE);
            assertClose(device.download(dq), plus(want.dq(), dq0), 5e-5, "dq");
            assertClose(device.download(dk), plus(want.dk(), dk0), 5e-5, "dk");
            assertClose(device.download(dv), plus(want.dv(), dv0), 5e-5, "dv");
        }
    }

    private static double[] plus(double[] a, float[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) c[i] = a[i] + b[i];
        return c;
    }

    static void assertClose(float[] got, double[] want, double tolerance, String name) {
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("%s[%d]", name, i).isCloseTo(want[i], offset(tolerance * (1 + Math.abs(want[i]))));
        }
    }
}
