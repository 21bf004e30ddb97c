package com.mka1.core.model;

import com.mka1.spi.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * One decoder layer's weights: its attention settings, up to six RMSNorms (null where the
 * family has none) and seven projections. {@code stored} lists the projections as the
 * checkpoint holds them: the seven themselves, or, for fused checkpoints (Phi-3), the fused
 * {@code qkv_proj}/{@code gate_up_proj} whose row blocks the q/k/v and gate/up projections view.
 */
record DecoderLayer(int index, LayerAttention attention, Norm preAttnNorm, Norm postAttnNorm, Norm preMlpNorm,
                    Norm postMlpNorm, Norm qNorm, Norm kNorm, LinearLayer q, LinearLayer k, LinearLayer v,
                    LinearLayer o, LinearLayer gate, LinearLayer up, LinearLayer down, List<LinearLayer> stored) {

    /**
     * An RMSNorm weight (F32) under its HF name, with its gradient (null when frozen). For
     * Gemma's {@code 1 + w} norms the tensor holds {@code 1 + w} and the checkpoint {@code w}.
     */
    record Norm(String hfName, Tensor weight, Tensor gradient) {}

    DecoderLayer {
        stored = List.copyOf(stored);
    }

    LinearLayer projection(Projection p) {
        return switch (p) {
            case Q -> q;
            case K -> k;
            case V -> v;
            case O -> o;
            case GATE -> gate;
            case UP -> up;
            case DOWN -> down;
        };
    }

    /** The seven projections the forward pass runs (views of fused storage where fused). */
    List<LinearLayer> projections() {
        return List.of(q, k, v, o, gate, up, down);
    }

    /** Every norm this layer has, in checkpoint order. */
    List<Norm> norms() {
        List<Norm> out = new ArrayList<>();
        for (Norm n : new Norm[] {preAttnNorm, qNorm, kNorm, postAttnNorm, preMlpNorm, postMlpNorm}) {
            if (n != null) out.add(n);
        }
        return out;
    }
}
