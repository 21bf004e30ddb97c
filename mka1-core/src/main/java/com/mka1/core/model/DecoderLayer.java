package com.mka1.core.model;

import com.mka1.spi.Tensor;

import java.util.List;

/** One decoder layer's weights: two RMSNorm weights (F32) and seven projections. */
record DecoderLayer(int index, Tensor attnNorm, Tensor gradAttnNorm, Tensor mlpNorm, Tensor gradMlpNorm,
                    LinearLayer q, LinearLayer k, LinearLayer v, LinearLayer o,
                    LinearLayer gate, LinearLayer up, LinearLayer down) {

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

    List<LinearLayer> projections() {
        return List.of(q, k, v, o, gate, up, down);
    }

    String attnNormName() {
        return "model.layers." + index + ".input_layernorm.weight";
    }

    String mlpNormName() {
        return "model.layers." + index + ".post_attention_layernorm.weight";
    }
}
