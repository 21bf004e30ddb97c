package com.mka1.core.adapter;

import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.safetensors.TensorInfo;
import com.mka1.spi.ComputeDevice;
import com.mka1.spi.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds a PEFT LoRA adapter into a loaded model's base weights, exactly as PEFT computes it in
 * eval mode: {@code W += s B A} per targeted module (per-module rank and scaling), DoRA's
 * {@code W = m / ||W + s B A||_row * (W + s B A)}, and the full copies of {@code modules_to_save}
 * put in place of the originals. Every tensor of the file must be used and every targeted module
 * must have its tensors; anything else is refused by name. Arithmetic in double, rounded once to
 * the weight's dtype.
 */
public final class AdapterMerge {
    private static final Logger LOG = LoggerFactory.getLogger(AdapterMerge.class);
    private static final String LORA_A = ".lora_A.weight";
    private static final String LORA_B = ".lora_B.weight";
    private static final List<String> MAGNITUDE = List.of(".lora_magnitude_vector", ".lora_magnitude_vector.weight");

    private AdapterMerge() {}

    /** Reads {@code adapterDir} (adapter_config.json + adapter_model.safetensors) and folds it into {@code model}. */
    public static void apply(LlamaModel model, Path adapterDir) {
        apply(model, adapterDir, AdapterConfig.read(adapterDir));
    }

    public static void apply(LlamaModel model, Path adapterDir, AdapterConfig config) {
        Path file = adapterDir.resolve(PeftAdapter.WEIGHTS_FILE);
        Map<String, Tensor> weights = model.baseWeights();
        boolean tied = model.config().tieWordEmbeddings();
        if (tied && config.targets("lm_head")) throw refuse(file, "a LoRA layer on lm_head of a model with tied embeddings");
        try (SafetensorsReader reader = SafetensorsReader.openFiles(List.of(file))) {
            Set<String> used = new HashSet<>();
            int merged = 0;
            for (var e : weights.entrySet()) {
                String module = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
                if (e.getValue().shape().length != 2 || !e.getKey().endsWith(".weight") || !config.targets(module)) continue;
                if (module.endsWith("embed_tokens")) throw refuse(file, "a LoRA layer on " + module + " (embedding LoRA)");
                if (config.saves(module)) throw refuse(file, module + " both targeted and in modules_to_save");
                mergeModule(model.device(), reader, file, config, module, e.getValue(), used);
                merged++;
            }
            int tokens = replaceTokenRows(model, reader, file, config, used);
            int saved = replaceSaved(model.device(), reader, file, config, weights, tied, model.config().traits().normPlusOne(), used);
            for (String name : reader.names()) {
                if (!used.contains(name)) throw refuse(file, "tensor " + name + " (no targeted module or modules_to_save entry uses it)");
            }
            if (merged == 0) throw refuse(file, "target_modules that match no module of the model");
            LOG.info("merged adapter {}: {} LoRA{} modules, {} saved modules, {} token rows", adapterDir, merged,
                    config.dora() ? " (DoRA)" : "", saved, tokens);
        }
    }

    private static void mergeModule(ComputeDevice dev, SafetensorsReader reader, Path file, AdapterConfig config, String module,
                                    Tensor weight, Set<String> used) {
        int out = weight.shape()[0], in = weight.shape()[1], r = config.rank(module);
        float[] a = read(reader, file, PeftAdapter.PREFIX + module + LORA_A, used, r, in);
        float[] b = read(reader, file, PeftAdapter.PREFIX + module + LORA_B, used, out, r);
        String magnitudeName = MAGNITUDE.stream().map(s -> PeftAdapter.PREFIX + module + s).filter(reader::contains).findFirst()
                .orElse(null);
        if (config.dora() && magnitudeName == null) throw refuse(file, "use_dora without " + module + ".lora_magnitude_vector");
        if (!config.dora() && magnitudeName != null) throw refuse(file, "tensor " + magnitudeName + " without use_dora");
        float[] magnitude = magnitudeName == null ? null : read(reader, file, magnitudeName, used, out);
        double s = config.scaling(module);
        float[] w = dev.download(weight);
        double[] row = new double[in];
        for (int o = 0; o < out; o++) {
            double norm = 0;
            for (int i = 0; i < in; i++) {
                double delta = 0;
                for (int j = 0; j < r; j++) delta += (double) b[o * r + j] * a[j * in + i];
                row[i] = w[o * in + i] + s * delta;
                norm += row[i] * row[i];
            }
            double scale = magnitude == null ? 1 : magnitude[o] / Math.sqrt(norm);
            for (int i = 0; i < in; i++) w[o * in + i] = (float) (scale * row[i]);
        }
        dev.copyFromHost(w, 0, weight, 0, w.length);
    }

    /**
     * The rows of {@code trainable_token_indices}, stored whole ({@link PeftAdapter#TOKENS_DELTA}),
     * replace the embedding's rows (with tied embeddings, the head's too, as in PEFT).
     */
    private static int replaceTokenRows(LlamaModel model, SafetensorsReader reader, Path file, AdapterConfig config,
                                        Set<String> used) {
        List<Integer> ids = config.trainableTokens();
        if (ids.isEmpty()) return 0;
        Tensor embed = model.baseWeights().get("model.embed_tokens.weight");
        int vocab = embed.shape()[0], hidden = embed.shape()[1];
        for (int id : ids) {
            if (id >= vocab) throw refuse(file, "trainable_token_indices id " + id + " beyond the vocabulary of " + vocab);
        }
        float[] rows = read(reader, file, PeftAdapter.TOKENS_DELTA, used, ids.size(), hidden);
        for (int k = 0; k < ids.size(); k++) model.device().copyFromHost(rows, k * hidden, embed, (long) ids.get(k) * hidden, hidden);
        return ids.size();
    }

    private static int replaceSaved(ComputeDevice dev, SafetensorsReader reader, Path file, AdapterConfig config,
                                    Map<String, Tensor> weights, boolean tied, boolean normPlusOne, Set<String> used) {
        int saved = 0;
        for (String name : reader.names()) {
            if (used.contains(name) || !name.startsWith(PeftAdapter.PREFIX)) continue;
            String base = name.substring(PeftAdapter.PREFIX.length());
            String module = base.substring(0, Math.max(0, base.lastIndexOf('.')));
            if (!config.saves(module) || name.contains(".lora_")) continue;
            if (tied && (base.startsWith("lm_head.") || base.startsWith("model.embed_tokens."))) {
                throw refuse(file, "modules_to_save entry " + module + " on a model with tied embeddings");
            }
            Tensor target = weights.get(base);
            if (target == null) throw refuse(file, "saved tensor " + name + " (the model has no " + base + ")");
            if (normPlusOne && target.shape().length == 1 && base.endsWith("norm.weight")) {
                throw refuse(file, "modules_to_save entry " + module + " (a norm this model holds as 1 + weight)");
            }
            float[] values = read(reader, file, name, used, target.shape());
            dev.copyFromHost(values, 0, target, 0, values.length);
            saved++;
        }
        return saved;
    }

    private static float[] read(SafetensorsReader reader, Path file, String name, Set<String> used, int... shape) {
        if (!reader.contains(name)) throw refuse(file, "missing tensor " + name);
        TensorInfo info = reader.info(name);
        if (!Arrays.equals(info.shape(), shape)) {
            throw refuse(file, "tensor " + name + " of shape " + Arrays.toString(info.shape()) + " where the config implies "
                    + Arrays.toString(shape));
        }
        used.add(name);
        return reader.readFloats(name);
    }

    private static UnsupportedAdapterException refuse(Path file, String what) {
        return new UnsupportedAdapterException(file + ": unsupported " + what);
    }
}
