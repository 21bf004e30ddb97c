package com.mka1.core.model;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Every activation and gradient-scratch buffer of a forward/backward pass over {@code n}
 * tokens, sized in this one place. Per-layer activations are kept for each layer, or, with
 * recomputation, one set is shared and each layer's forward is re-run just before its backward.
 * Cheap activations (the RMSNorm outputs and the SwiGLU product) are never kept per layer: they
 * live in shared buffers and the backward pass recomputes them from what is kept. Gradient
 * scratch is shared by all layers.
 */
final class ActivationBuffers {
    /**
     * What one layer's backward needs from its forward. {@code loraHidden} is indexed by
     * {@link Projection#ordinal()}. The family steps' tensors are null where the family has no
     * such step: {@code qRaw, kRaw, rstdQ, rstdK} (q/k norm input and statistics),
     * {@code attnOut, rstd3} and {@code mlpOut, rstd4} (post-norm inputs and statistics).
     */
    record Layer(Tensor rstd1, Tensor q, Tensor k, Tensor v, Tensor att, Tensor lse, Tensor mid,
                 Tensor rstd2, Tensor gate, Tensor up, Tensor[] loraHidden,
                 Tensor qRaw, Tensor kRaw, Tensor rstdQ, Tensor rstdK, Tensor attnOut, Tensor rstd3,
                 Tensor mlpOut, Tensor rstd4) {}

    /** Allocates F32 tensors, or only counts their bytes. */
    private interface Allocator {
        Tensor f32(int... shape);

        Tensor i32(int... shape);
    }

    /** Rows of logits computed at once: the LM head and loss run in chunks, so {@code [n, vocab]} never exists whole. */
    static final int LOGIT_ROWS = 128;

    final int capacity;
    final int logitRows;
    final Tensor tokens, targets, positions, segStart;      // I32 [n]
    final Tensor windowStart;                                 // I32 [n]: first visible key of sliding layers, or null
    final Tensor[] residual;                                  // [layers+1] x [n, hidden]
    final List<Layer> layers;                                 // one per layer, or one shared
    final Tensor normed, act;                                 // shared: [n, hidden], [n, intermediate]
    final Tensor rstdFinal, xnFinal, losses, correct;         // top of the model, [n] or [n, hidden]
    final Tensor logits;                                      // [logitRows, vocab]
    final Tensor dResidual, dNormed, dq, dk, dv, dAtt, dGate, dUp, dAct, projected;
    final Tensor dBranch, dPost;                              // [n, hidden] when residual scaling / post-norms
    final Tensor dqRaw, dkRaw;                                // q/k-norm input gradients, or null
    final Tensor capped, dCapped;                             // [logitRows, vocab] when logits are soft-capped
    final LinearLayer.Scratch linear;

    private ActivationBuffers(Allocator alloc, LlamaConfig c, int n, boolean recompute, int loraRank, boolean[] loraTargets) {
        int h = c.hiddenSize(), i = c.intermediateSize(), maxIn = Math.max(h, Math.max(c.qDim(), i));
        FamilyTraits t = c.traits();
        boolean qkNorm = t.qkNorm() != FamilyTraits.QkNorm.NONE, perHead = t.qkNorm() == FamilyTraits.QkNorm.PER_HEAD;
        capacity = n;
        logitRows = Math.min(n, LOGIT_ROWS);
        tokens = alloc.i32(n);
        targets = alloc.i32(n);
        positions = alloc.i32(n);
        segStart = alloc.i32(n);
        windowStart = c.slidingWindow() > 0 ? alloc.i32(n) : null;
        residual = new Tensor[c.numLayers() + 1];
        for (int l = 0; l <= c.numLayers(); l++) residual[l] = alloc.f32(n, h);
        layers = new ArrayList<>();
        for (int l = 0; l < (recompute ? 1 : c.numLayers()); l++) {
            Tensor[] hidden = new Tensor[Projection.values().length];
            for (Projection p : Projection.values()) if (loraTargets[p.ordinal()]) hidden[p.ordinal()] = alloc.f32(n, loraRank);
            layers.add(new Layer(alloc.f32(n), alloc.f32(n, c.qDim()), alloc.f32(n, c.kvDim()),
                    alloc.f32(n, c.kvDim()), alloc.f32(n, c.qDim()), alloc.f32(n, c.numHeads()), alloc.f32(n, h),
                    alloc.f32(n), alloc.f32(n, i), alloc.f32(n, i), hidden,
                    qkNorm ? alloc.f32(n, c.qDim()) : null, qkNorm ? alloc.f32(n, c.kvDim()) : null,
                    qkNorm ? alloc.f32(perHead ? n * c.numHeads() : n) : null,
                    qkNorm ? alloc.f32(perHead ? n * c.numKvHeads() : n) : null,
                    t.postAttnNorm() ? alloc.f32(n, h) : null, t.postAttnNorm() ? alloc.f32(n) : null,
                    t.postMlpNorm() ? alloc.f32(n, h) : null, t.postMlpNorm() ? alloc.f32(n) : null));
        }
        normed = alloc.f32(n, h);
        act = alloc.f32(n, i);
        rstdFinal = alloc.f32(n);
        xnFinal = alloc.f32(n, h);
        logits = alloc.f32(logitRows, c.vocabSize());
        losses = alloc.f32(n);
        correct = alloc.f32(n);
        dResidual = alloc.f32(n, h);
        dNormed = alloc.f32(n, h);
        dq = alloc.f32(n, c.qDim());
        dk = alloc.f32(n, c.kvDim());
        dv = alloc.f32(n, c.kvDim());
        dAtt = alloc.f32(n, c.qDim());
        dGate = alloc.f32(n, i);
        dUp = alloc.f32(n, i);
        dAct = alloc.f32(n, i);
        projected = alloc.f32(n, h);
        dBranch = t.residualScale() != 1 ? alloc.f32(n, h) : null;
        dPost = t.postAttnNorm() || t.postMlpNorm() ? alloc.f32(n, h) : null;
        dqRaw = qkNorm ? alloc.f32(n, c.qDim()) : null;
        dkRaw = qkNorm ? alloc.f32(n, c.kvDim()) : null;
        boolean softcap = t.finalLogitSoftcap() > 0;
        capped = softcap ? alloc.f32(logitRows, c.vocabSize()) : null;
        dCapped = softcap ? alloc.f32(logitRows, c.vocabSize()) : null;
        boolean lora = loraRank > 0;
        linear = new LinearLayer.Scratch(lora ? alloc.f32(n, maxIn) : null, lora ? alloc.f32(n, maxIn) : null,
                lora ? alloc.f32(n, loraRank) : null);
    }

    /** The activations of layer {@code l} (the shared set under recomputation). */
    Layer layer(int l) {
        return layers.get(layers.size() == 1 ? 0 : l);
    }

    static ActivationBuffers allocate(ComputeDevice dev, List<Tensor> owned, LlamaConfig c, int n, boolean recompute,
                                      int loraRank, boolean[] loraTargets) {
        return new ActivationBuffers(new Allocator() {
            public Tensor f32(int... shape) {
                Tensor t = dev.allocate(DType.F32, shape);
                owned.add(t);
                return t;
            }

            public Tensor i32(int... shape) {
                Tensor t = dev.allocate(DType.I32, shape);
                owned.add(t);
                return t;
            }
        }, c, n, recompute, loraRank, loraTargets);
    }

    /** Bytes {@link #allocate} would take, for memory planning. */
    static long bytes(LlamaConfig c, int n, boolean recompute, int loraRank, boolean[] loraTargets) {
        long[] total = {0};
        new ActivationBuffers(new Allocator() {
            public Tensor f32(int... shape) {
                long e = 4;
                for (int d : shape) e *= d;
                total[0] += e;
                return null;
            }

            public Tensor i32(int... shape) {
                return f32(shape);
            }
        }, c, n, recompute, loraRank, loraTargets);
        return total[0];
    }
}
