package com.mka1.core.model;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Kernels;
import com.mka1.spi.Tensor;

/**
 * {@code y = x W^T + b (+ scaling * dropout(x) A^T B^T)} for HF weight {@code W[out,in]}: the
 * forward/backward pair every projection of the model goes through. Gradients are null for
 * frozen tensors; the LoRA part is null on untargeted projections.
 */
final class LinearLayer {
    /** LoRA matrices of one projection: A {@code [rank,in]}, B {@code [out,rank]}, both F32 and trainable. */
    record Lora(Tensor a, Tensor b, Tensor gradA, Tensor gradB, int rank, float scaling, double dropout) {}

    /** Temporaries shared by all projections: {@code [n, maxIn]} twice and {@code [n, maxRank]}. */
    record Scratch(Tensor dropped, Tensor mask, Tensor dh) {}

    /** Whether dropout applies on this call, and the seed its masks come from. */
    record Mode(boolean train, long dropoutSeed) {
        static final Mode EVAL = new Mode(false, 0);
    }

    final String hfPrefix;
    final int in;
    final int out;
    final Tensor weight;
    final Tensor bias;
    final Tensor gradWeight;
    final Tensor gradBias;
    Lora lora;
    private final int dropoutSite;

    LinearLayer(String hfPrefix, int in, int out, Tensor weight, Tensor bias, Tensor gradWeight, Tensor gradBias,
                int dropoutSite) {
        this.hfPrefix = hfPrefix;
        this.in = in;
        this.out = out;
        this.weight = weight;
        this.bias = bias;
        this.gradWeight = gradWeight;
        this.gradBias = gradBias;
        this.dropoutSite = dropoutSite;
    }

    /** The module name PEFT targets: the last part of the HF prefix ("q_proj", "qkv_proj", ...). */
    String module() {
        return hfPrefix.substring(hfPrefix.lastIndexOf('.') + 1);
    }

    /**
     * The projection computed by output rows {@code [from, from + count)} of this one, as views of
     * its weight, bias, gradients and LoRA B; it shares LoRA A and the dropout mask. Each block's
     * backward accumulates into the shared A gradient, so the blocks together train the fused
     * matrices exactly as PEFT does on the fused module.
     */
    LinearLayer rowBlock(ComputeDevice dev, String name, int from, int count) {
        LinearLayer block = new LinearLayer(name, in, count, dev.view(weight, (long) from * in, count, in),
                bias == null ? null : dev.view(bias, from, count),
                gradWeight == null ? null : dev.view(gradWeight, (long) from * in, count, in),
                gradBias == null ? null : dev.view(gradBias, from, count), dropoutSite);
        if (lora != null) {
            block.lora = new Lora(lora.a(), dev.view(lora.b(), (long) from * lora.rank(), count, lora.rank()), lora.gradA(),
                    dev.view(lora.gradB(), (long) from * lora.rank(), count, lora.rank()), lora.rank(), lora.scaling(),
                    lora.dropout());
        }
        return block;
    }

    private boolean dropsOut(Mode mode) {
        return lora != null && mode.train() && lora.dropout() > 0;
    }

    /** Puts the dropout mask of this call into {@code s.mask} and {@code mask * x} into {@code s.dropped}. */
    private void applyDropout(ComputeDevice dev, Tensor x, int n, Scratch s, Mode mode) {
        float[] mask = DropoutMasks.mask(mode.dropoutSeed(), dropoutSite, n * in, lora.dropout());
        dev.copyFromHost(mask, 0, s.mask(), 0, mask.length);
        dev.kernels().mul(s.dropped(), x, s.mask(), (long) n * in);
    }

    /** {@code y = layer(x)} over n rows; {@code hidden [n, rank]} keeps {@code dropout(x) A^T} for backward. */
    void forward(ComputeDevice dev, Tensor y, Tensor x, int n, Tensor hidden, Scratch s, Mode mode) {
        Kernels k = dev.kernels();
        k.matmul(y, x, weight, n, out, in, false, true, 1, false);
        if (bias != null) k.addBias(y, bias, n, out);
        if (lora == null) return;
        Tensor input = x;
        if (dropsOut(mode)) {
            applyDropout(dev, x, n, s, mode);
            input = s.dropped();
        }
        k.matmul(hidden, input, lora.a(), n, lora.rank(), in, false, true, 1, false);
        k.matmul(y, hidden, lora.b(), n, out, lora.rank(), false, true, lora.scaling(), true);
    }

    /** Accumulates {@code dx} and every trainable gradient of this layer from {@code dy}. */
    void backward(ComputeDevice dev, Tensor dx, Tensor dy, Tensor x, int n, Tensor hidden, Scratch s, Mode mode) {
        Kernels k = dev.kernels();
        if (gradBias != null) k.addBiasBackward(gradBias, dy, n, out);
        if (gradWeight != null) k.matmul(gradWeight, dy, x, out, in, n, true, false, 1, true);
        k.matmul(dx, dy, weight, n, in, out, false, false, 1, true);
        if (lora == null) return;
        int r = lora.rank();
        k.matmul(lora.gradB(), dy, hidden, out, r, n, true, false, lora.scaling(), true);
        k.matmul(s.dh(), dy, lora.b(), n, r, out, false, false, lora.scaling(), false);
        if (dropsOut(mode)) {
            applyDropout(dev, x, n, s, mode); // the same mask as forward: same seed and site
            k.matmul(lora.gradA(), s.dh(), s.dropped(), r, in, n, true, false, 1, true);
            k.matmul(s.dropped(), s.dh(), lora.a(), n, in, r, false, false, 1, false);
            k.mul(s.dropped(), s.dropped(), s.mask(), (long) n * in);
            k.add(dx, dx, s.dropped(), (long) n * in);
        } else {
            k.matmul(lora.gradA(), s.dh(), x, r, in, n, true, false, 1, true);
            k.matmul(dx, s.dh(), lora.a(), n, in, r, false, false, 1, true);
        }
    }
}
