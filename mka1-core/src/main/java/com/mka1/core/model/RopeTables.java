package com.mka1.core.model;

import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RoPE inverse frequencies of every distinct rotary embedding of a model, on the device.
 * Tables that depend on the sequence length (dynamic NTK, longrope) are recomputed by
 * {@link #prepare} before each pass, as transformers' {@code dynamic_rope_update} does.
 */
final class RopeTables implements AutoCloseable {
    private final ComputeDevice device;
    private final Map<RotaryEmbedding, Tensor> tables = new LinkedHashMap<>();
    private final Map<RotaryEmbedding, float[]> uploaded = new LinkedHashMap<>();

    RopeTables(ComputeDevice device, List<LayerAttention> layers) {
        this.device = device;
        for (LayerAttention a : layers) {
            if (a.rotary() && !tables.containsKey(a.rope())) {
                float[] f = a.rope().invFreq(1);
                tables.put(a.rope(), device.upload(f, f.length));
                uploaded.put(a.rope(), f);
            }
        }
    }

    /** Makes every table right for a pass whose positions run up to {@code seqLen - 1}. */
    void prepare(int seqLen) {
        for (var e : tables.entrySet()) {
            RotaryEmbedding rope = e.getKey();
            if (!rope.scaling().dependsOnLength()) continue;
            float[] f = rope.invFreq(seqLen);
            if (!Arrays.equals(f, uploaded.get(rope))) {
                device.copyFromHost(f, 0, e.getValue(), 0, f.length);
                uploaded.put(rope, f);
            }
        }
    }

    /** The inverse frequencies of a rotary layer. */
    Tensor invFreq(LayerAttention layer) {
        return tables.get(layer.rope());
    }

    @Override
    public void close() {
        tables.values().forEach(device::free);
        tables.clear();
    }
}
