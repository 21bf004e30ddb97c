package com.mka1.core.model;

import com.mka1.spi.Bf16;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.safetensors.SafetensorsWriter;
import com.mka1.core.safetensors.StoredDType;
import com.mka1.core.safetensors.TensorInfo;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.DType;
import com.mka1.spi.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every weight of a loaded model on its device, with gradients for what trains and LoRA
 * matrices where asked: loading and shape checks, the trainable-parameter list with HF or PEFT
 * names, saving, and merging LoRA into the base. The math lives in {@link LlamaModel}.
 */
final class LlamaWeights {
    private final LlamaConfig config;
    private final ComputeDevice device;
    private final TrainableWeights trainableWeights;
    private final List<Tensor> owned = new ArrayList<>();
    final Tensor embed, gradEmbed, finalNorm, gradFinalNorm, invFreq;
    final LinearLayer lmHead;
    final List<DecoderLayer> layers;
    final List<Parameter> parameters;

    LlamaWeights(SafetensorsReader weights, LlamaConfig config, ComputeDevice device, TrainableWeights trainableWeights) {
        this.config = config;
        this.device = device;
        this.trainableWeights = trainableWeights;
        boolean full = trainableWeights instanceof TrainableWeights.Full;
        int h = config.hiddenSize();
        embed = load(weights, "model.embed_tokens.weight", !full, config.vocabSize(), h);
        gradEmbed = full ? grad(embed) : null;
        List<DecoderLayer> loaded = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) loaded.add(loadLayer(weights, l, full));
        layers = List.copyOf(loaded);
        finalNorm = load(weights, "model.norm.weight", false, h);
        gradFinalNorm = full ? grad(finalNorm) : null;
        Tensor head = config.tieWordEmbeddings() ? embed : load(weights, "lm_head.weight", !full, config.vocabSize(), h);
        Tensor gradHead = !full ? null : config.tieWordEmbeddings() ? gradEmbed : grad(head);
        lmHead = new LinearLayer("lm_head", h, config.vocabSize(), head, null, gradHead, null, -1);
        invFreq = device.upload(config.invFreq(), config.headDim() / 2);
        owned.add(invFreq);
        if (trainableWeights instanceof TrainableWeights.Lora(LoraSpec spec)) attachLora(spec);
        parameters = List.copyOf(collectParameters());
    }

    private Tensor load(SafetensorsReader reader, String name, boolean frozen, int... shape) {
        TensorInfo info = reader.info(name);
        info.requireShape(shape);
        Tensor t;
        if (frozen && info.dtype() == StoredDType.BF16) {
            t = device.allocate(DType.BF16, shape);
            short[] bits = reader.readBf16(name);
            device.copyFromHostBf16(bits, 0, t, 0, bits.length);
        } else {
            float[] values = reader.readFloats(name);
            t = device.allocate(DType.F32, shape);
            device.copyFromHost(values, 0, t, 0, values.length);
        }
        owned.add(t);
        return t;
    }

    private Tensor grad(Tensor like) {
        Tensor g = device.allocate(DType.F32, like.shape());
        owned.add(g);
        return g;
    }

    private DecoderLayer loadLayer(SafetensorsReader r, int l, boolean full) {
        int h = config.hiddenSize(), i = config.intermediateSize(), q = config.qDim(), kv = config.kvDim();
        Tensor attnNorm = load(r, "model.layers." + l + ".input_layernorm.weight", false, h);
        Tensor mlpNorm = load(r, "model.layers." + l + ".post_attention_layernorm.weight", false, h);
        return new DecoderLayer(l, attnNorm, full ? grad(attnNorm) : null, mlpNorm, full ? grad(mlpNorm) : null,
                linear(r, l, Projection.Q, h, q, config.qkvBias(), full),
                linear(r, l, Projection.K, h, kv, config.qkvBias(), full),
                linear(r, l, Projection.V, h, kv, config.qkvBias(), full),
                linear(r, l, Projection.O, q, h, config.oBias(), full),
                linear(r, l, Projection.GATE, h, i, false, full),
                linear(r, l, Projection.UP, h, i, false, full),
                linear(r, l, Projection.DOWN, i, h, false, full));
    }

    private LinearLayer linear(SafetensorsReader r, int l, Projection p, int in, int out, boolean hasBias, boolean full) {
        String prefix = p.hfPrefix(l);
        Tensor w = load(r, prefix + ".weight", !full, out, in);
        Tensor b = hasBias ? load(r, prefix + ".bias", false, out) : null;
        return new LinearLayer(prefix, in, out, w, b, full ? grad(w) : null, full && hasBias ? grad(b) : null,
                l * Projection.values().length + p.ordinal());
    }

    private void attachLora(LoraSpec spec) {
        SplittableRandom random = new SplittableRandom(spec.initSeed());
        for (DecoderLayer layer : layers) {
            for (Projection p : Projection.values()) {
                if (!spec.targets().contains(p)) continue;
                LinearLayer lin = layer.projection(p);
                float[] a = new float[spec.rank() * lin.in];
                double bound = 1 / Math.sqrt(lin.in); // PEFT: kaiming_uniform_(a=sqrt(5))
                for (int j = 0; j < a.length; j++) a[j] = (float) ((random.nextDouble() * 2 - 1) * bound);
                Tensor ta = device.upload(a, spec.rank(), lin.in);
                Tensor tb = device.allocate(DType.F32, lin.out, spec.rank());
                lin.lora = new LinearLayer.Lora(ta, tb, grad(ta), grad(tb), spec.rank(), spec.scaling(), spec.dropout());
                owned.add(ta);
                owned.add(tb);
            }
        }
    }

    private List<Parameter> collectParameters() {
        List<Parameter> out = new ArrayList<>();
        switch (trainableWeights) {
            case TrainableWeights.Full() -> {
                out.add(new Parameter("model.embed_tokens.weight", embed, gradEmbed, true));
                for (DecoderLayer layer : layers) {
                    out.add(new Parameter(layer.attnNormName(), layer.attnNorm(), layer.gradAttnNorm(), false));
                    for (LinearLayer lin : layer.projections()) {
                        if (lin == layer.gate()) {
                            out.add(new Parameter(layer.mlpNormName(), layer.mlpNorm(), layer.gradMlpNorm(), false));
                        }
                        out.add(new Parameter(lin.hfPrefix + ".weight", lin.weight, lin.gradWeight, true));
                        if (lin.bias != null) out.add(new Parameter(lin.hfPrefix + ".bias", lin.bias, lin.gradBias, false));
                    }
                }
                out.add(new Parameter("model.norm.weight", finalNorm, gradFinalNorm, false));
                if (!config.tieWordEmbeddings()) out.add(new Parameter("lm_head.weight", lmHead.weight, lmHead.gradWeight, true));
            }
            case TrainableWeights.Lora lora -> {
                for (DecoderLayer layer : layers) {
                    for (LinearLayer lin : layer.projections()) {
                        if (lin.lora == null) continue;
                        out.add(new Parameter(PeftAdapter.PREFIX + lin.hfPrefix + ".lora_A.weight", lin.lora.a(), lin.lora.gradA(), true));
                        out.add(new Parameter(PeftAdapter.PREFIX + lin.hfPrefix + ".lora_B.weight", lin.lora.b(), lin.lora.gradB(), true));
                    }
                }
            }
            case TrainableWeights.Frozen() -> { }
        }
        return out;
    }

    /** Base weights by HF name (lm_head only when untied), in the order of the HF file. */
    Map<String, Tensor> baseWeights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", embed);
        for (DecoderLayer layer : layers) {
            out.put(layer.attnNormName(), layer.attnNorm());
            out.put(layer.mlpNormName(), layer.mlpNorm());
            for (LinearLayer lin : layer.projections()) {
                out.put(lin.hfPrefix + ".weight", lin.weight);
                if (lin.bias != null) out.put(lin.hfPrefix + ".bias", lin.bias);
            }
        }
        out.put("model.norm.weight", finalNorm);
        if (!config.tieWordEmbeddings()) out.put("lm_head.weight", lmHead.weight);
        return out;
    }

    /** Bytes of every tensor held here (canonical dtype sizes). */
    long bytes() {
        long total = 0;
        for (Tensor t : owned) total += t.size() * t.dtype().bytes();
        return total;
    }

    /**
     * Writes every base weight under its HF name to one safetensors file (F32, or BF16 for
     * tensors held in BF16); with {@link #mergeLora()} first, this is the merged model.
     */
    void save(Path file) {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (var e : baseWeights().entrySet()) {
            Tensor t = e.getValue();
            float[] values = device.download(t);
            if (t.dtype() == DType.BF16) {
                short[] bits = new short[values.length];
                for (int i = 0; i < bits.length; i++) bits[i] = Bf16.fromFloat(values[i]);
                entries.add(new SafetensorsWriter.Entry.Bf16(e.getKey(), t.shape(), bits));
            } else {
                entries.add(new SafetensorsWriter.Entry.F32(e.getKey(), t.shape(), values));
            }
        }
        SafetensorsWriter.write(file, entries, Map.of("format", "pt"));
    }

    /**
     * Folds every LoRA update into its base weight ({@code W += scaling * B A}, rounded to the
     * weight's dtype) and zeroes B, so the model computes the same function without adapters.
     */
    void mergeLora() {
        for (DecoderLayer layer : layers) {
            for (LinearLayer lin : layer.projections()) {
                if (lin.lora == null) continue;
                float[] w = device.download(lin.weight), a = device.download(lin.lora.a()), bm = device.download(lin.lora.b());
                int r = lin.lora.rank();
                for (int o = 0; o < lin.out; o++) {
                    for (int i = 0; i < lin.in; i++) {
                        double delta = 0;
                        for (int j = 0; j < r; j++) delta += (double) bm[o * r + j] * a[j * lin.in + i];
                        w[o * lin.in + i] += (float) (lin.lora.scaling() * delta);
                    }
                }
                device.copyFromHost(w, 0, lin.weight, 0, w.length);
                device.kernels().fill(lin.lora.b(), 0, lin.lora.b().size());
            }
        }
    }

    void free() {
        owned.forEach(device::free);
        owned.clear();
    }
}
