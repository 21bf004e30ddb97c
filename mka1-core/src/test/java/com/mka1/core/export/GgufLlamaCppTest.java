package com.mka1.core.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.adapter.AdapterModels;
import com.mka1.core.adapter.PeftFixture;
import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.inference.DecodeSession;
import com.mka1.core.inference.ModelRoute;
import com.mka1.core.inference.ServedModel;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.registry.tiny.TinyModel;
import com.mka1.core.tokenizer.TokenizerConfig;
import com.mka1.core.json.Json;
import com.mka1.api.JsonValue;
import com.mka1.core.adapter.PeftFixture;
import com.mka1.core.safetensors.SafetensorsWriter;
import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GGUF exports run in llama.cpp (node-llama-cpp) give the engine's greedy ids: the base
 * stories260k in every type, a LoRA adapter folded in, the same adapter as a llama.cpp LoRA GGUF on
 * the base GGUF, a full fine-tune (a merged model directory, which the engine also serves with the
 * adapter's ids), adapters with per-module scaling, and the byte-level mka1:tiny with its ChatML
 * template; llama.cpp's tokenizer reads the exported vocabularies as the engine does.
 */
class GgufLlamaCppTest {
    private static final int STEPS = 16;
    private static final List<String> TEXTS = List.of("Once upon a time, there was a little girl named Lily.",
            "The cat sat on the mat and looked at the big red ball!", "Tom's dog ran fast.");

    @TempDir
    Path root;

    @Test
    void ggufExportsGiveTheEnginesGreedyIdsInLlamaCpp() throws Exception {
        PeftFixture fx = PeftFixture.load("lora-all7-r8");
        Path models = AdapterModels.layout(root.resolve("models"), fx.dir());
        ModelRegistry registry = ModelRegistry.open(models, root.resolve("models.json"));
        List<int[]> prompts = fx.prompts().stream().map(PeftFixture.Prompt::promptIds).toList();
        ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, false);
        ModelExporter exporter = new ModelExporter(registry, ReferenceDevice::new);
        NodeLlamaCpp llamaCpp = NodeLlamaCpp.install();

        String adapter = AdapterModels.id(fx.variant());
        List<int[]> baseIds = greedy(loader, "local:stories260k", prompts);
        List<int[]> tunedIds = greedy(loader, adapter, prompts);
        assertThat(tunedIds.getFirst()).as("the adapter changes the answer").isNotEqualTo(baseIds.getFirst());

        Path baseF32 = exporter.export("local:stories260k", ExportFormat.GGUF, GgufType.F32, root.resolve("base-f32.gguf"));
        NodeLlamaCpp.Result base = llamaCpp.run(baseF32, null, prompts, STEPS, TEXTS);
        assertSame(base.greedy(), baseIds, "base f32");
        try (ServedModel served = loader.load(loader.route("local:stories260k"))) {
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(base.tokens().get(i)).as("llama.cpp tokenizes " + TEXTS.get(i))
                        .containsExactly(served.tokenizer().encode(TEXTS.get(i), false));
            }
        }
        for (GgufType type : List.of(GgufType.F16, GgufType.BF16, GgufType.Q8_0)) {
            Path file = exporter.export("local:stories260k", ExportFormat.GGUF, type, root.resolve("base-" + type.wireName() + ".gguf"));
            assertSame(llamaCpp.run(file, null, prompts, STEPS, List.of()).greedy(), baseIds, "base " + type.wireName());
        }

        Path tuned = exporter.export(adapter, ExportFormat.GGUF, GgufType.F32, root.resolve("tuned-f32.gguf"));
        assertSame(llamaCpp.run(tuned, null, prompts, STEPS, List.of()).greedy(), tunedIds, "merged f32");
        Path lora = exporter.export(adapter, ExportFormat.GGUF_LORA, GgufType.F32, root.resolve("tuned-lora.gguf"));
        assertSame(llamaCpp.run(baseF32, lora, prompts, STEPS, List.of()).greedy(), tunedIds, "lora on base f32");

        // A full fine-tune's output is a model directory like the merged export: registered as a job registers it.
        Path merged = exporter.export(adapter, ExportFormat.HF, GgufType.F32, root.resolve("jobs/ftjob_1/output/model"));
        registry.register(new RegisteredModel("ft:local:stories260k:full", merged, 1_700_000_000L, "org", ModelKind.FINE_TUNED,
                "local:stories260k", "ftjob_1"));
        assertSame(greedy(loader, "ft:local:stories260k:full", prompts), tunedIds, "merged directory in the engine");
        Path full = exporter.export("ft:local:stories260k:full", ExportFormat.GGUF, GgufType.F32, root.resolve("full-f32.gguf"));
        assertSame(llamaCpp.run(full, null, prompts, STEPS, List.of()).greedy(), tunedIds, "full fine-tune f32");
    }

    @Test
    void aLoraGgufCarriesPerModuleScalingOfPatternedAndRsloraAdapters() throws Exception {
        NodeLlamaCpp llamaCpp = NodeLlamaCpp.install();
        for (String variant : List.of("alpha-rank-pattern", "rslora")) {
            PeftFixture fx = PeftFixture.load(variant);
            Path dir = root.resolve(variant);
            ModelRegistry registry = ModelRegistry.open(AdapterModels.layout(dir.resolve("models"), fx.dir()), dir.resolve("models.json"));
            List<int[]> prompts = fx.prompts().stream().map(PeftFixture.Prompt::promptIds).toList();
            ModelExporter exporter = new ModelExporter(registry, ReferenceDevice::new);
            Path base = exporter.export("local:stories260k", ExportFormat.GGUF, GgufType.F32, dir.resolve("base.gguf"));
            Path lora = exporter.export(AdapterModels.id(variant), ExportFormat.GGUF_LORA, GgufType.F32, dir.resolve("lora.gguf"));
            List<int[]> expected = greedy(new ServedModelLoader(registry, ReferenceDevice::new, false), AdapterModels.id(variant), prompts);
            assertSame(llamaCpp.run(base, lora, prompts, STEPS, List.of()).greedy(), expected, variant + " lora");
        }
    }

    @Test
    void aByteLevelModelWithAChatTemplateRunsInLlamaCpp() throws Exception {
        Path models = root.resolve("models");
        TinyModel.ensure(models);
        ModelRegistry registry = ModelRegistry.open(models, root.resolve("models.json"));
        ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, false);
        Path file = new ModelExporter(registry, ReferenceDevice::new).export(TinyModel.ID, ExportFormat.GGUF, GgufType.F32,
                root.resolve("tiny.gguf"));
        String text = "Hi there! Where is my order?";
        try (ServedModel served = loader.load(loader.route(TinyModel.ID))) {
            int[] prompt = served.tokenizer().encode(text, false);
            NodeLlamaCpp.Result r = NodeLlamaCpp.install().run(file, null, List.of(prompt), STEPS, List.of(text));
            assertThat(r.tokens().getFirst()).containsExactly(prompt);
            assertSame(r.greedy(), greedy(loader, TinyModel.ID, List.of(prompt)), "mka1:tiny f32");
            assertThat(r.chatTemplate()).isEqualTo(TokenizerConfig.read(registry.find(TinyModel.ID).orElseThrow().dir()).chatTemplate())
                    .contains("<|im_start|>");
        }
    }

    @Test
    void theLlama2VocabularyTokenizesInLlamaCppAsSentencePieceDoes() throws Exception {
        Path model = Files.createDirectories(root.resolve("models/llama2-vocab"));
        Path tokenizers = SharedDir.resolve("tokenizers/llama2");
        Files.copy(tokenizers.resolve("tokenizer.json"), model.resolve("tokenizer.json"));
        Files.writeString(model.resolve("tokenizer_config.json"),
                "{\"bos_token\":\"<s>\",\"eos_token\":\"</s>\",\"unk_token\":\"<unk>\",\"add_bos_token\":true}");
        randomLlama(model, 32000);
        ModelRegistry registry = ModelRegistry.open(root.resolve("models"), root.resolve("models.json"));
        Path file = new ModelExporter(registry, ReferenceDevice::new).export("local:llama2-vocab", ExportFormat.GGUF, GgufType.F16,
                root.resolve("llama2-vocab.gguf"));
        List<JsonValue> references = ((JsonValue.Arr) Json.parse(Files.readAllBytes(tokenizers.resolve("reference-encodings.json"))))
                .items();
        List<String> texts = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        for (JsonValue o : references) {
            JsonValue.Obj r = (JsonValue.Obj) o;
            int[] ids = PeftFixture.ints(r.get("ids"));
            texts.add(((JsonValue.Str) r.get("text")).value());
            expected.add(Arrays.copyOfRange(ids, 1, ids.length)); // SentencePiece's ids after BOS
        }
        NodeLlamaCpp.Result result = NodeLlamaCpp.install().run(file, null, List.of(), 0, texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(result.tokens().get(i)).as("llama.cpp tokenizes %s", texts.get(i)).containsExactly(expected.get(i));
        }
    }

    /** A one-layer Llama with random weights and {@code vocab} tokens (for a tokenizer check). */
    private static void randomLlama(Path dir, int vocab) throws IOException {
        int h = 32, inter = 64;
        Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":" + h
                + ",\"intermediate_size\":" + inter + ",\"num_hidden_layers\":1,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":4,\"vocab_size\":" + vocab + ",\"max_position_embeddings\":256,"
                + "\"rms_norm_eps\":1e-5,\"rope_theta\":10000.0,\"tie_word_embeddings\":true,\"bos_token_id\":1,\"eos_token_id\":2}");
        java.util.Random random = new java.util.Random(7);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new int[] {vocab, h});
        shapes.put("model.layers.0.input_layernorm.weight", new int[] {h});
        shapes.put("model.layers.0.post_attention_layernorm.weight", new int[] {h});
        for (String p : List.of("q_proj", "k_proj", "v_proj", "o_proj")) shapes.put("model.layers.0.self_attn." + p + ".weight", new int[] {h, h});
        shapes.put("model.layers.0.mlp.gate_proj.weight", new int[] {inter, h});
        shapes.put("model.layers.0.mlp.up_proj.weight", new int[] {inter, h});
        shapes.put("model.layers.0.mlp.down_proj.weight", new int[] {h, inter});
        shapes.put("model.norm.weight", new int[] {h});
        for (var e : shapes.entrySet()) {
            int n = Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
            float[] values = new float[n];
            for (int i = 0; i < n; i++) values[i] = e.getValue().length == 1 ? 1f : (float) random.nextGaussian() * 0.05f;
            entries.add(new SafetensorsWriter.Entry.F32(e.getKey(), e.getValue(), values));
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, Map.of("format", "pt"));
    }

    private static void assertSame(List<int[]> llamaCpp, List<int[]> engine, String what) {
        for (int i = 0; i < engine.size(); i++) {
            assertThat(llamaCpp.get(i)).as(what + ", prompt " + i).containsExactly(engine.get(i));
        }
    }

    /** The engine's greedy ids after each prompt, as served. */
    static List<int[]> greedy(ServedModelLoader loader, String id, List<int[]> prompts) {
        ModelRoute route = loader.route(id);
        List<int[]> out = new ArrayList<>();
        try (ServedModel served = loader.load(route)) {
            served.useAdapter(route.activeAdapter());
            for (int[] prompt : prompts) {
                int[] ids = new int[STEPS];
                try (DecodeSession session = served.languageModel().openSession(prompt.length + STEPS)) {
                    float[] logits = session.append(prompt);
                    for (int t = 0; t < STEPS; t++) {
                        ids[t] = argmax(logits);
                        logits = session.append(new int[] {ids[t]});
                    }
                }
                out.add(ids);
            }
        }
        return out;
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
