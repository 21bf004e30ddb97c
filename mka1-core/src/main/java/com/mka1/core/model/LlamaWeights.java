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
import java.util.Arrays;
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
    final Tensor embed, gradEmbed, finalNorm, gradFinalNorm;
    final LinearLayer lmHead;
    /** PEFT's trainable token rows, or null. */
    final TrainableTokens tokens;
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
        LoraSpec lora = trainableWeights instanceof TrainableWeights.Lora(LoraSpec spec) ? spec : null;
        SplittableRandom loraInit = lora == null ? null : new SplittableRandom(lora.initSeed());
        List<DecoderLayer> loaded = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) loaded.add(loadLayer(weights, l, full, lora, loraInit));
        layers = List.copyOf(loaded);
        finalNorm = loadNorm(weights, "model.norm.weight", config.traits().normPlusOne() ? 1 : 0, h);
        gradFinalNorm = full ? grad(finalNorm) : null;
        Tensor head = config.tieWordEmbeddings() ? embed : load(weights, "lm_head.weight", !full, config.vocabSize(), h);
        Tensor gradHead = !full ? null : config.tieWordEmbeddings() ? gradEmbed : grad(head);
        lmHead = new LinearLayer("lm_head", h, config.vocabSize(), head, null, gradHead, null, -1);
        tokens = lora == null || lora.trainableTokens().isEmpty() ? null
                : new TrainableTokens(device, embed, lora.trainableTokens(), config.vocabSize(), h, config.tieWordEmbeddings());
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

    /** An RMSNorm weight in F32, plus {@code offset} (1 for Gemma's {@code 1 + w} norms). */
    private Tensor loadNorm(SafetensorsReader reader, String name, float offset, int size) {
        reader.info(name).requireShape(size);
        float[] values = reader.readFloats(name);
        for (int i = 0; i < values.length; i++) values[i] += offset;
        Tensor t = device.upload(values, size);
        owned.add(t);
        return t;
    }

    private Tensor grad(Tensor like) {
        Tensor g = device.allocate(DType.F32, like.shape());
        owned.add(g);
        return g;
    }

    private DecoderLayer.Norm norm(SafetensorsReader r, String name, int size, boolean full) {
        float offset = config.traits().normPlusOne() ? 1 : 0;
        Tensor w = loadNorm(r, name, offset, size);
        return new DecoderLayer.Norm(name, w, full ? grad(w) : null);
    }

    private DecoderLayer loadLayer(SafetensorsReader r, int l, boolean full, LoraSpec lora, SplittableRandom loraInit) {
        FamilyTraits t = config.traits();
        int h = config.hiddenSize(), i = config.intermediateSize(), q = config.qDim(), kv = config.kvDim();
        String prefix = "model.layers." + l + ".";
        DecoderLayer.Norm preAttn = t.preAttnNorm() ? norm(r, prefix + "input_layernorm.weight", h, full) : null;
        DecoderLayer.Norm postAttn = t.postAttnNorm() ? norm(r, prefix + "post_attention_layernorm.weight", h, full) : null;
        // Llama names its pre-MLP norm post_attention_layernorm; families with post-norms call it pre_feedforward
        String preMlpName = t.postAttnNorm() ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight";
        DecoderLayer.Norm preMlp = t.preMlpNorm() ? norm(r, prefix + preMlpName, h, full) : null;
        DecoderLayer.Norm postMlp = t.postMlpNorm() ? norm(r, prefix + "post_feedforward_layernorm.weight", h, full) : null;
        boolean perHead = t.qkNorm() == FamilyTraits.QkNorm.PER_HEAD;
        DecoderLayer.Norm qNorm = t.qkNorm() == FamilyTraits.QkNorm.NONE ? null
                : norm(r, prefix + "self_attn.q_norm.weight", perHead ? config.headDim() : q, full);
        DecoderLayer.Norm kNorm = t.qkNorm() == FamilyTraits.QkNorm.NONE ? null
                : norm(r, prefix + "self_attn.k_norm.weight", perHead ? config.headDim() : kv, full);
        LayerAttention attention = config.layers().get(l);
        if (!t.fusedProjections()) {
            List<LinearLayer> lin = new ArrayList<>();
            for (Projection p : Projection.values()) {
                boolean attentionIn = p == Projection.Q || p == Projection.K || p == Projection.V;
                int in = p == Projection.O ? q : p == Projection.DOWN ? i : h;
                int out = p == Projection.Q ? q : attentionIn ? kv : p == Projection.O ? h : p == Projection.DOWN ? h : i;
                boolean bias = attentionIn ? config.qkvBias() : p == Projection.O && config.oBias();
                lin.add(linear(r, p.hfPrefix(l), in, out, bias, full, l, p, lora, loraInit, lora != null && lora.targets().contains(p)));
            }
            return new DecoderLayer(l, attention, preAttn, postAttn, preMlp, postMlp, qNorm, kNorm,
                    lin.get(0), lin.get(1), lin.get(2), lin.get(3), lin.get(4), lin.get(5), lin.get(6), lin);
        }
        LinearLayer qkv = linear(r, prefix + "self_attn.qkv_proj", h, q + 2 * kv, false, full, l, Projection.Q, lora, loraInit,
                fusedTarget(lora, "qkv_proj", Projection.Q, Projection.K, Projection.V));
        LinearLayer o = linear(r, Projection.O.hfPrefix(l), q, h, false, full, l, Projection.O, lora, loraInit,
                lora != null && lora.targets().contains(Projection.O));
        LinearLayer gateUp = linear(r, prefix + "mlp.gate_up_proj", h, 2 * i, false, full, l, Projection.GATE, lora, loraInit,
                fusedTarget(lora, "gate_up_proj", Projection.GATE, Projection.UP));
        LinearLayer down = linear(r, Projection.DOWN.hfPrefix(l), i, h, false, full, l, Projection.DOWN, lora, loraInit,
                lora != null && lora.targets().contains(Projection.DOWN));
        return new DecoderLayer(l, attention, preAttn, postAttn, preMlp, postMlp, qNorm, kNorm,
                qkv.rowBlock(device, Projection.Q.hfPrefix(l), 0, q), qkv.rowBlock(device, Projection.K.hfPrefix(l), q, kv),
                qkv.rowBlock(device, Projection.V.hfPrefix(l), q + kv, kv), o,
                gateUp.rowBlock(device, Projection.GATE.hfPrefix(l), 0, i), gateUp.rowBlock(device, Projection.UP.hfPrefix(l), i, i),
                down, List.of(qkv, o, gateUp, down));
    }

    /** A fused module trains as one (PEFT's view of it): all of its parts are targets, or none. */
    private static boolean fusedTarget(LoraSpec lora, String module, Projection... parts) {
        if (lora == null) return false;
        long targeted = Arrays.stream(parts).filter(lora.targets()::contains).count();
        if (targeted != 0 && targeted != parts.length) {
            throw new UnsupportedModelException("LoRA target " + Arrays.stream(parts).filter(lora.targets()::contains)
                    .map(Projection::module).toList() + " is part of the fused " + module + " of this model; target "
                    + module + " (all of " + Arrays.stream(parts).map(Projection::module).toList() + ")");
        }
        return targeted != 0;
    }

    private LinearLayer linear(SafetensorsReader r, String prefix, int in, int out, boolean hasBias, boolean full, int l,
                               Projection site, LoraSpec spec, SplittableRandom loraInit, boolean targeted) {
        Tensor w = load(r, prefix + ".weight", !full, out, in);
        Tensor b = hasBias ? load(r, prefix + ".bias", false, out) : null;
        LinearLayer lin = new LinearLayer(prefix, in, out, w, b, full ? grad(w) : null, full && hasBias ? grad(b) : null,
                l * Projection.values().length + site.ordinal());
        if (targeted) {
            float[] a = new float[spec.rank() * in];
            double bound = 1 / Math.sqrt(in); // PEFT: kaiming_uniform_(a=sqrt(5))
            for (int j = 0; j < a.length; j++) a[j] = (float) ((loraInit.nextDouble() * 2 - 1) * bound);
            Tensor ta = device.upload(a, spec.rank(), in);
            Tensor tb = device.allocate(DType.F32, out, spec.rank());
            owned.add(ta);
            owned.add(tb);
            lin.lora = new LinearLayer.Lora(ta, tb, grad(ta), grad(tb), spec.rank(), spec.scaling(), spec.dropout());
        }
        return lin;
    }

    private List<Parameter> collectParameters() {
        List<Parameter> out = new ArrayList<>();
        switch (trainableWeights) {
            case TrainableWeights.Full() -> {
                out.add(new Parameter("model.embed_tokens.weight", embed, gradEmbed, true));
                for (DecoderLayer layer : layers) {
                    addNorm(out, layer.preAttnNorm());
                    for (LinearLayer lin : layer.stored()) {
                        if (lin.module().equals("o_proj")) {
                            addNorm(out, layer.qNorm());
                            addNorm(out, layer.kNorm());
                        }
                        if (lin.module().startsWith("gate")) {
                            addNorm(out, layer.postAttnNorm());
                            addNorm(out, layer.preMlpNorm());
                        }
                        out.add(new Parameter(lin.hfPrefix + ".weight", lin.weight, lin.gradWeight, true));
                        if (lin.bias != null) out.add(new Parameter(lin.hfPrefix + ".bias", lin.bias, lin.gradBias, false));
                    }
                    addNorm(out, layer.postMlpNorm());
                }
                out.add(new Parameter("model.norm.weight", finalNorm, gradFinalNorm, false));
                if (!config.tieWordEmbeddings()) out.add(new Parameter("lm_head.weight", lmHead.weight, lmHead.gradWeight, true));
            }
            case TrainableWeights.Lora lora -> {
                if (tokens != null) out.add(tokens.parameter(PeftAdapter.TOKENS_DELTA));
                for (DecoderLayer layer : layers) {
                    for (LinearLayer lin : layer.stored()) {
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

    private static void addNorm(List<Parameter> out, DecoderLayer.Norm norm) {
        if (norm != null) out.add(new Parameter(norm.hfName(), norm.weight(), norm.gradient(), false));
    }

    /** Base weights by HF name (lm_head only when untied), in the order of the HF file. */
    Map<String, Tensor> baseWeights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", embed);
        for (DecoderLayer layer : layers) {
            for (DecoderLayer.Norm norm : layer.norms()) out.put(norm.hfName(), norm.weight());
            for (LinearLayer lin : layer.stored()) {
                out.put(lin.hfPrefix + ".weight", lin.weight);
                if (lin.bias != null) out.put(lin.hfPrefix + ".bias", lin.bias);
            }
        }
        out.put("model.norm.weight", finalNorm);
        if (!config.tieWordEmbeddings()) out.put("lm_head.weight", lmHead.weight);
        return out;
    }

    /** What each norm tensor holds beyond its checkpoint value (1 for Gemma's {@code 1 + w}). */
    private float offset(String name) {
        return name.endsWith("norm.weight") && config.traits().normPlusOne() ? 1 : 0;
    }

    /** Bytes of every tensor held here (canonical dtype sizes). */
    long bytes() {
        long total = 0;
        for (Tensor t : owned) total += t.size() * t.dtype().bytes();
        return tokens == null ? total : total + tokens.bytes();
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
            float offset = offset(e.getKey());
            for (int i = 0; offset != 0 && i < values.length; i++) values[i] -= offset;
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
     * weight's dtype) and zeroes B, and writes trained token rows into the embedding, so the model
     * computes the same function without adapters.
     */
    void mergeLora() {
        if (tokens != null) tokens.mergeInto(embed);
        for (DecoderLayer layer : layers) {
            for (LinearLayer lin : layer.stored()) {
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
        if (tokens != null) tokens.free();
        owned.forEach(device::free);
        owned.clear();
    }
}
