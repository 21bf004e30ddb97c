package com.mka1.backend.cuda;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * One causal GQA attention problem over packed rows with seeded random inputs, run on a device the
 * way the GPU tests compare backends: forward gives {@code out} and {@code lse}; backward (same
 * query and key lengths) adds its gradients to random starting values of {@code dq, dk, dv}.
 */
record AttentionCase(int batch, int qLen, int kvLen, int heads, int kvHeads, int headDim,
                     float[] q, float[] k, float[] v, int[] seg, float[][] grads) {

    /** Random q, k, v and segments of about {@code meanSegment} rows. */
    static AttentionCase random(RandomInputs random, int batch, int qLen, int kvLen, int heads, int kvHeads,
                                int headDim, int meanSegment) {
        float[] q = random.gaussian(batch * qLen * heads * headDim);
        float[] k = random.gaussian(batch * kvLen * kvHeads * headDim), v = random.gaussian(batch * kvLen * kvHeads * headDim);
        return new AttentionCase(batch, qLen, kvLen, heads, kvHeads, headDim, q, k, v,
                random.segments(batch, qLen, kvLen, meanSegment), null);
    }

    /** The same problem with random {@code dout} and starting {@code dq, dk, dv} for backward. */
    AttentionCase withGradients(RandomInputs random) {
        if (qLen != kvLen) throw new IllegalArgumentException("backward needs qLen == kvLen");
        return new AttentionCase(batch, qLen, kvLen, heads, kvHeads, headDim, q, k, v, seg, new float[][] {
                random.gaussian(q.length), random.gaussian(q.length), random.gaussian(k.length), random.gaussian(v.length)});
    }

    float scale() {
        return (float) (1 / Math.sqrt(headDim));
    }

    /** {@code {out, lse}} on {@code dev}. */
    float[][] forward(ComputeDevice dev) {
        Inputs in = upload(dev);
        return new float[][] {dev.download(in.out), dev.download(in.lse)};
    }

    /** {@code {dq, dk, dv}} on {@code dev}, after the forward pass that backward needs. */
    float[][] backward(ComputeDevice dev) {
        if (grads == null) throw new IllegalStateException("call withGradients first");
        int rows = batch * qLen, qw = heads * headDim, kw = kvHeads * headDim;
        Inputs in = upload(dev);
        Tensor dq = dev.upload(grads[1], rows, qw), dk = dev.upload(grads[2], rows, kw), dv = dev.upload(grads[3], rows, kw);
        dev.kernels().attentionBackward(dq, dk, dv, dev.upload(grads[0], rows, qw), in.out, in.lse, in.q, in.k, in.v,
                in.seg, batch, qLen, heads, kvHeads, headDim, scale());
        return new float[][] {dev.download(dq), dev.download(dk), dev.download(dv)};
    }

    private record Inputs(Tensor q, Tensor k, Tensor v, Tensor seg, Tensor out, Tensor lse) {}

    /** Uploads the inputs and runs the forward pass. */
    private Inputs upload(ComputeDevice dev) {
        int qRows = batch * qLen, kvRows = batch * kvLen;
        Kernels kn = dev.kernels();
        Inputs in = new Inputs(dev.upload(q, qRows, heads * headDim), dev.upload(k, kvRows, kvHeads * headDim),
                dev.upload(v, kvRows, kvHeads * headDim), dev.upload(seg, qRows),
                dev.allocate(DType.F32, qRows, heads * headDim), dev.allocate(DType.F32, qRows, heads));
        kn.attentionForward(in.out, in.lse, in.q, in.k, in.v, in.seg, batch, qLen, kvLen, heads, kvHeads, headDim, scale());
        return in;
    }
}
