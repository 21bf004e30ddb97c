package com.mka1.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.InvalidRequestException;
import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.export.ExportFormat;
import com.mka1.core.export.GgufType;
import com.mka1.core.export.ModelExporter;
import com.mka1.core.export.UnsupportedExportException;
import com.mka1.core.inference.ModelRoute;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.model.Projection;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.safetensors.SafetensorsWriter;
import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEFT adapters on Phi-3's fused {@code qkv_proj} and {@code gate_up_proj} (the tiny Phi-3 of
 * {@code ../shared/models/arch/phi3}): a plain adapter is served in fused LoRA slots, an rsLoRA one
 * folded in, both giving the logits of the base with {@code W + s B A} added by hand (in double,
 * here, from the files); naming an unfused part is refused by name, and so is a GGUF export.
 */
class FusedProjectionAdapterTest {
    private static final int RANK = 2;
    private static final double ALPHA = 4;
    private static final int[] TOKENS = {1, 17, 42, 99, 5, 300, 7, 250};
    private static final int HIDDEN = 64;

    @TempDir
    Path root;

    @Test
    void aPlainAdapterOnFusedModulesIsServedInFusedSlotsWithTheHandMergedLogits() throws IOException {
        ModelRegistry registry = models(List.of("qkv_proj", "gate_up_proj"), false);
        ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, false);
        ModelRoute route = loader.route("peft:phi3-fused");
        assertThat(route.lora()).as("served unmerged in shared slots").isNotNull();
        assertThat(route.lora().targets()).isEqualTo(EnumSet.of(Projection.Q, Projection.K, Projection.V,
                Projection.GATE, Projection.UP));
        float[] expected = expected(ALPHA / RANK);
        assertClose(logits(loader, route), expected);
        float[] base = logits(loader, loader.route("local:phi3"));
        double moved = 0;
        for (int i = 0; i < base.length; i++) moved = Math.max(moved, Math.abs(base[i] - expected[i]));
        assertThat(moved).as("the adapter changes the logits").isGreaterThan(0.05);
    }

    @Test
    void anRsLoraAdapterOnFusedModulesIsFoldedIn() throws IOException {
        ModelRegistry registry = models(List.of("qkv_proj", "o_proj"), true);
        ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, false);
        ModelRoute route = loader.route("peft:phi3-fused");
        assertThat(route.lora()).as("rsLoRA is folded into the weights").isNull();
        assertClose(logits(loader, route), expected(ALPHA / Math.sqrt(RANK)));
    }

    @Test
    void trainedTokenRowsReplaceTheEmbeddingRowsInSlotsAndWhenFolded() throws IOException {
        for (boolean rslora : new boolean[] {false, true}) {
            ModelRegistry registry = models(List.of("qkv_proj", "gate_up_proj"), rslora, List.of(42, 300));
            ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, false);
            ModelRoute route = loader.route("peft:phi3-fused");
            assertThat(route.lora() == null).as("rsLoRA folds in, plain LoRA uses slots").isEqualTo(rslora);
            assertClose(logits(loader, route), expected(rslora ? ALPHA / Math.sqrt(RANK) : ALPHA / RANK));
            com.mka1.core.storage.FileTrees.deleteTree(root);
        }
    }

    @Test
    void namingAPartOfAFusedModuleIsRefusedByName() throws IOException {
        ModelRegistry registry = models(List.of("q_proj", "v_proj"), true);
        ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, false);
        assertThatThrownBy(() -> logits(loader, loader.route("peft:phi3-fused")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Model 'peft:phi3-fused' cannot be served")
                .hasMessageContaining("unsupported target_modules that match no module of the model");
    }

    @Test
    void ggufRefusesPhi3ByNameAndTheMergedDirectoryKeepsTheLogits() throws IOException {
        ModelRegistry registry = models(List.of("qkv_proj", "gate_up_proj"), false);
        ModelExporter exporter = new ModelExporter(registry, ReferenceDevice::new);
        for (ExportFormat format : List.of(ExportFormat.GGUF, ExportFormat.GGUF_LORA)) {
            assertThatThrownBy(() -> exporter.export("peft:phi3-fused", format, GgufType.F16, root.resolve("x.gguf")))
                    .isInstanceOf(UnsupportedExportException.class)
                    .hasMessage("architecture Phi3ForCausalLM has no GGUF export (LlamaForCausalLM, MistralForCausalLM and"
                            + " Qwen2ForCausalLM have)");
        }
        exporter.export("peft:phi3-fused", ExportFormat.HF, GgufType.F16, root.resolve("models/merged"));
        ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, false);
        assertClose(logits(loader, loader.route("local:merged")), expected(ALPHA / RANK));
    }

    /** Equal to 1e-4 of the largest logit's magnitude (float32 forward against float32 forward). */
    private static void assertClose(float[] actual, float[] expected) {
        float max = 0;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        assertThat(max).as("the adapter moves the logits").isGreaterThan(0.1f);
        assertThat(actual).hasSameSizeAs(expected).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-4f * max));
    }

    /** phi3 as {@code local:phi3} and a random adapter on {@code targets} as {@code peft:phi3-fused}. */
    private ModelRegistry models(List<String> targets, boolean rslora) throws IOException {
        return models(targets, rslora, List.of());
    }

    /** The same with trained embedding rows for {@code tokens} (PEFT's trainable_token_indices). */
    private ModelRegistry models(List<String> targets, boolean rslora, List<Integer> tokens) throws IOException {
        Path models = root.resolve("models");
        AdapterModels.copyTree(SharedDir.resolve("models/arch/phi3"), models.resolve("phi3"));
        Path adapter = Files.createDirectories(models.resolve("peft/phi3-fused"));
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        try (SafetensorsReader base = SafetensorsReader.openFiles(List.of(models.resolve("phi3/model.safetensors")))) {
            for (String name : base.names().stream().sorted().toList()) {
                String module = name.substring(0, name.length() - ".weight".length());
                if (!name.endsWith(".weight") || targets.stream().noneMatch(t -> module.endsWith("." + t))) continue;
                int[] shape = base.info(name).shape();
                entries.add(new SafetensorsWriter.Entry.F32(PeftAdapter.PREFIX + module + ".lora_A.weight",
                        new int[] {RANK, shape[1]}, gaussian(random, RANK * shape[1], 0.3)));
                entries.add(new SafetensorsWriter.Entry.F32(PeftAdapter.PREFIX + module + ".lora_B.weight",
                        new int[] {shape[0], RANK}, gaussian(random, shape[0] * RANK, 0.3)));
            }
        }
        if (!tokens.isEmpty()) {
            entries.add(new SafetensorsWriter.Entry.F32(PeftAdapter.TOKENS_DELTA, new int[] {tokens.size(), HIDDEN},
                    gaussian(random, tokens.size() * HIDDEN, 1.0)));
        }
        SafetensorsWriter.write(adapter.resolve(PeftAdapter.WEIGHTS_FILE), entries, Map.of("format", "pt"));
        Files.writeString(adapter.resolve(AdapterConfig.FILE), "{\"peft_type\":\"LORA\",\"task_type\":\"CAUSAL_LM\","
                + "\"base_model_name_or_path\":\"phi3\",\"r\":" + RANK + ",\"lora_alpha\":" + ALPHA + ",\"use_rslora\":" + rslora
                + ",\"target_modules\":[\"" + String.join("\",\"", targets) + "\"],\"trainable_token_indices\":" + tokens + "}");
        return ModelRegistry.open(models, root.resolve("models.json"));
    }

    /** The logits of phi3 with {@code W + scaling B A} on every module the adapter holds, merged here in double. */
    private float[] expected(double scaling) throws IOException {
        Path models = root.resolve("models");
        Path merged = root.resolve("hand-merged");
        AdapterModels.copyTree(models.resolve("phi3"), merged);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (SafetensorsReader base = SafetensorsReader.openFiles(List.of(models.resolve("phi3/model.safetensors")));
             SafetensorsReader lora = SafetensorsReader.openFiles(List.of(models.resolve("peft/phi3-fused/adapter_model.safetensors")))) {
            for (String name : base.names()) {
                float[] w = base.readFloats(name);
                int[] shape = base.info(name).shape();
                String a = PeftAdapter.PREFIX + name.replace(".weight", ".lora_A.weight");
                if (lora.contains(a)) {
                    float[] av = lora.readFloats(a);
                    float[] bv = lora.readFloats(a.replace("lora_A", "lora_B"));
                    int out = shape[0], in = shape[1];
                    for (int o = 0; o < out; o++) {
                        for (int i = 0; i < in; i++) {
                            double delta = 0;
                            for (int j = 0; j < RANK; j++) delta += (double) bv[o * RANK + j] * av[j * in + i];
                            w[o * in + i] = (float) (w[o * in + i] + scaling * delta);
                        }
                    }
                }
                if (name.equals("model.embed_tokens.weight") && lora.contains(PeftAdapter.TOKENS_DELTA)) {
                    List<Integer> ids = AdapterConfig.read(models.resolve("peft/phi3-fused")).trainableTokens();
                    float[] rows = lora.readFloats(PeftAdapter.TOKENS_DELTA);
                    for (int k = 0; k < ids.size(); k++) System.arraycopy(rows, k * HIDDEN, w, ids.get(k) * HIDDEN, HIDDEN);
                }
                entries.add(new SafetensorsWriter.Entry.F32(name, shape, w));
            }
        }
        SafetensorsWriter.write(merged.resolve("model.safetensors"), entries, Map.of("format", "pt"));
        try (ReferenceDevice device = new ReferenceDevice();
             LlamaModel model = LlamaModel.load(merged, device, new com.mka1.core.model.TrainableWeights.Frozen(), false)) {
            return model.forwardWithCache(TOKENS, model.newKvCache(TOKENS.length));
        }
    }

    /** The logits of {@code route}'s network as the server loads it (shared slots or folded in). */
    private static float[] logits(ServedModelLoader loader, ModelRoute route) {
        try (ReferenceDevice device = new ReferenceDevice(); LlamaModel model = ServedModelLoader.network(route, device)) {
            return model.forwardWithCache(TOKENS, model.newKvCache(TOKENS.length));
        }
    }

    private static float[] gaussian(SplittableRandom random, int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble(), v = random.nextDouble();
            out[i] = (float) (std * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return out;
    }
}
