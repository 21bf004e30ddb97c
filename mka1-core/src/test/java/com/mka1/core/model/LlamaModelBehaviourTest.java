package com.mka1.core.model;

import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.safetensors.SafetensorsFile;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.safetensors.SafetensorsWriter;
import com.mka1.spi.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** KV-cache inference, recomputation, adapters (save, load, merge), export and BF16 bases. */
class LlamaModelBehaviourTest {
    private static final Path TINY = ReferenceFixture.resource("models/tiny-llama-bias");
    private static final int[] SEQUENCE = {1, 5, 9, 30, 2, 17, 8, 8, 21};

    private static PackedBatch oneRow(int[] tokens) {
        int n = tokens.length;
        int[] positions = new int[n], targets = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
            targets[i] = i + 1 < n ? tokens[i + 1] : -1;
        }
        return new PackedBatch(1, n, tokens, targets, positions, new int[n]);
    }

    @Test
    void incrementalDecodingWithKvCacheEqualsTheFullForward() {
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Frozen(), false);
             var cache = model.newKvCache(16)) {
            float[] full = model.logits(oneRow(SEQUENCE));
            float[] prefill = model.forwardWithCache(java.util.Arrays.copyOf(SEQUENCE, 5), cache);
            List<Float> incremental = new ArrayList<>();
            for (float f : prefill) incremental.add(f);
            for (int i = 5; i < SEQUENCE.length; i++) {
                for (float f : model.forwardWithCache(new int[] {SEQUENCE[i]}, cache)) incremental.add(f);
            }
            assertThat(incremental).hasSize(full.length);
            for (int i = 0; i < full.length; i++) assertThat(incremental.get(i)).isCloseTo(full[i], within(1e-5f));
            assertThat(cache.length()).isEqualTo(SEQUENCE.length);
        }
    }

    @Test
    void recomputationGivesTheSameGradientsAndLeavesFewerBuffers() {
        try (var dev = new ReferenceDevice();
             var plain = LlamaModel.load(TINY, dev, new TrainableWeights.Full(), false);
             var recomputed = LlamaModel.load(TINY, dev, new TrainableWeights.Full(), true)) {
            PackedBatch batch = ReferenceFixture.load("tiny-llama-bias-full.json").batch();
            plain.zeroGradients();
            recomputed.zeroGradients();
            double a = plain.forwardBackward(batch, 1, 0).lossSum(), b = recomputed.forwardBackward(batch, 1, 0).lossSum();
            assertThat(b).isEqualTo(a);
            for (int i = 0; i < plain.trainableParameters().size(); i++) {
                assertThat(dev.readDoubles(recomputed.trainableParameters().get(i).gradient()))
                        .containsExactly(dev.readDoubles(plain.trainableParameters().get(i).gradient()));
            }
            assertThat(recomputed.activationBytes(512)).isLessThan(plain.activationBytes(512));
        }
    }

    @Test
    void adapterSavedAndLoadedInPeftLayoutReproducesTheModel(@TempDir Path dir) throws IOException {
        var spec = new LoraSpec(4, 8, 0.1, EnumSet.of(Projection.Q, Projection.V, Projection.GATE), 3);
        try (var dev = new ReferenceDevice(); var trained = LlamaModel.load(TINY, dev, new TrainableWeights.Lora(spec), false)) {
            randomise(dev, trained);
            PeftAdapter.save(trained, dir, "meetkai:tiny");
            assertThat(Files.readString(dir.resolve("adapter_config.json"))).isEqualTo(
                    "{\"peft_type\":\"LORA\",\"task_type\":\"CAUSAL_LM\",\"base_model_name_or_path\":\"meetkai:tiny\","
                            + "\"r\":4,\"lora_alpha\":8.0,\"lora_dropout\":0.1,\"target_modules\":[\"q_proj\",\"v_proj\",\"gate_proj\"],"
                            + "\"bias\":\"none\",\"fan_in_fan_out\":false,\"inference_mode\":true,\"use_rslora\":false}");
            try (var file = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
                assertThat(file.names()).hasSize(12).startsWith(
                        "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                        "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
                assertThat(file.info("base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight").shape()).containsExactly(24, 4);
            }
            LoraSpec read = PeftAdapter.readSpec(dir);
            assertThat(read.rank()).isEqualTo(4);
            assertThat(read.targets()).containsExactlyInAnyOrder(Projection.Q, Projection.V, Projection.GATE);
            try (var loaded = LlamaModel.load(TINY, dev, new TrainableWeights.Lora(read), false)) {
                PeftAdapter.load(loaded, dir);
                assertThat(loaded.logits(oneRow(SEQUENCE))).containsExactly(trained.logits(oneRow(SEQUENCE)));
            }
        }
    }

    @Test
    void mergingLoraIntoTheBaseKeepsTheFunctionAndExportsAFullModel(@TempDir Path dir) throws IOException {
        var spec = new LoraSpec(2, 4, 0, EnumSet.allOf(Projection.class), 9);
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Lora(spec), false)) {
            randomise(dev, model);
            float[] before = model.logits(oneRow(SEQUENCE));
            model.mergeLora();
            float[] merged = model.logits(oneRow(SEQUENCE));
            for (int i = 0; i < before.length; i++) assertThat(merged[i]).isCloseTo(before[i], within(1e-4f));
            Files.copy(TINY.resolve("config.json"), dir.resolve("config.json"));
            model.saveWeights(dir.resolve("model.safetensors"));
            try (var reloaded = LlamaModel.load(dir, dev, new TrainableWeights.Frozen(), false)) {
                assertThat(reloaded.logits(oneRow(SEQUENCE))).containsExactly(merged);
            }
        }
    }

    @Test
    void fullFineTuningExportIsALoadableModelDirectory(@TempDir Path dir) throws IOException {
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Full(), false)) {
            PackedBatch batch = oneRow(SEQUENCE);
            model.zeroGradients();
            model.forwardBackward(batch, 1, 0);
            for (Parameter p : model.trainableParameters()) {
                dev.kernels().axpy(p.value(), -0.01f, p.gradient(), p.value().size());
                double[] v = dev.readDoubles(p.value());
                for (int i = 0; i < v.length; i++) v[i] = (float) v[i]; // exported weights are F32
                dev.writeDoubles(p.value(), v);
            }
            model.export(dir.resolve("out"), "meetkai:tiny");
            assertThat(Files.readString(dir.resolve("out/config.json"))).isEqualTo(Files.readString(TINY.resolve("config.json")));
            try (var reloaded = LlamaModel.load(dir.resolve("out"), dev, new TrainableWeights.Frozen(), false)) {
                assertThat(reloaded.logits(batch)).containsExactly(model.logits(batch));
                assertThat(reloaded.evaluate(batch).lossSum()).isLessThan(
                        LlamaModel.load(TINY, dev, new TrainableWeights.Frozen(), false).evaluate(batch).lossSum());
            }
        }
    }

    @Test
    void bf16BaseStaysBf16UnderLoraAndIsWidenedForFullFineTuning(@TempDir Path dir) throws IOException {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        try (var reader = SafetensorsReader.openDirectory(TINY)) {
            for (String name : reader.names()) {
                float[] v = reader.readFloats(name);
                short[] bits = new short[v.length];
                for (int i = 0; i < v.length; i++) bits[i] = com.mka1.spi.Bf16.fromFloat(v[i]);
                entries.add(new SafetensorsWriter.Entry.Bf16(name, reader.info(name).shape(), bits));
            }
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), entries, java.util.Map.of());
        Files.copy(TINY.resolve("config.json"), dir.resolve("config.json"));
        var spec = new LoraSpec(2, 4, 0, EnumSet.of(Projection.Q), 1);
        try (var dev = new ReferenceDevice();
             var lora = LlamaModel.load(dir, dev, new TrainableWeights.Lora(spec), false);
             var full = LlamaModel.load(dir, dev, new TrainableWeights.Full(), false)) {
            assertThat(lora.baseWeights().get("model.layers.0.self_attn.q_proj.weight").dtype()).isEqualTo(DType.BF16);
            assertThat(lora.baseWeights().get("model.layers.0.input_layernorm.weight").dtype()).isEqualTo(DType.F32);
            assertThat(full.baseWeights().get("model.layers.0.self_attn.q_proj.weight").dtype()).isEqualTo(DType.F32);
            // B = 0 at start: the LoRA model computes exactly the base function
            assertThat(lora.logits(oneRow(SEQUENCE))).containsExactly(full.logits(oneRow(SEQUENCE)));
        }
    }

    private static void randomise(ReferenceDevice dev, LlamaModel model) {
        Random r = new Random(17);
        for (Parameter p : model.trainableParameters()) {
            double[] v = dev.readDoubles(p.value());
            for (int i = 0; i < v.length; i++) v[i] = (float) (0.2 * r.nextGaussian()); // float values: saved adapters hold F32
            dev.writeDoubles(p.value(), v);
        }
    }
}
