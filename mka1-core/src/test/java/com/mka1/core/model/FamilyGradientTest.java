package com.mka1.core.model;

import com.mka1.core.compute.ReferenceDevice;
import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each family's steps (q/k norms, post-norms, GeGLU, Gemma's {@code 1 + w} norms and
 * embedding scale, soft-capped attention and logits, Granite's multipliers, NoPE layers, fused
 * projections, sliding windows, yarn) against central finite differences of the model's own
 * loss, in double on the reference backend, over two rows of packed examples longer than the
 * fixtures' window of 8.
 */
class FamilyGradientTest {
    /** 2 rows of 14 tokens; row 0 packs examples of 5 and 9 tokens, row 1 is one example. */
    static PackedBatch packedBatch() {
        int rows = 2, seq = 14, n = rows * seq;
        int[] tokens = new int[n], targets = new int[n], positions = new int[n], seg = new int[n];
        Random r = new Random(21);
        for (int i = 0; i < n; i++) {
            tokens[i] = 3 + r.nextInt(500);
            int local = i % seq;
            boolean secondExample = i < seq && local >= 5;
            seg[i] = secondExample ? 5 : 0;
            positions[i] = secondExample ? local - 5 : local;
        }
        for (int i = 0; i < n; i++) targets[i] = (i + 1) % 14 == 0 || i == 4 ? -1 : tokens[i + 1];
        return new PackedBatch(rows, seq, tokens, targets, positions, seg);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gemma2", "gemma3", "granite", "olmo2", "phi3", "qwen3", "smollm3", "mistral-swa8"})
    void fullFineTuningGradientOfEveryParameter(String family) {
        try (var dev = new ReferenceDevice();
             var model = LlamaModel.load(ArchFixture.ROOT.resolve(family), dev, new TrainableWeights.Full(), false)) {
            LlamaModelGradientTest.checkAll(dev, model, 0, packedBatch(), 3);
        }
    }

    /** Trainable token rows under Gemma's embedding scale and logit soft-cap and Granite's multipliers. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gemma2", "gemma3", "granite"})
    void loraGradientWithTrainableTokens(String family) {
        PackedBatch batch = packedBatch();
        var spec = new LoraSpec(2, 4, 0, EnumSet.of(Projection.Q, Projection.V), 3,
                java.util.List.of(batch.tokens()[0], batch.tokens()[3], 2));
        try (var dev = new ReferenceDevice();
             var model = LlamaModel.load(ArchFixture.ROOT.resolve(family), dev, new TrainableWeights.Lora(spec), false)) {
            assertThat(model.trainableParameters().getFirst().name()).isEqualTo(PeftAdapter.TOKENS_DELTA);
            Random r = new Random(6);
            for (Parameter p : model.trainableParameters()) {
                double[] v = dev.readDoubles(p.value());
                for (int i = 0; i < v.length; i++) v[i] += 0.3 * r.nextGaussian();
                dev.writeDoubles(p.value(), v);
            }
            LlamaModelGradientTest.checkAll(dev, model, 0, batch, 8);
        }
    }

    /** Phi-3's fused qkv_proj and gate_up_proj: one LoRA A per fused module, shared by its row blocks. */
    @Test
    void loraGradientOnFusedProjectionsWithDropout() {
        var spec = new LoraSpec(3, 6, 0.25, EnumSet.allOf(Projection.class), 11);
        try (var dev = new ReferenceDevice();
             var model = LlamaModel.load(ArchFixture.ROOT.resolve("phi3"), dev, new TrainableWeights.Lora(spec), false)) {
            assertThat(model.trainableParameters()).extracting(Parameter::name).hasSize(16)
                    .contains("base_model.model.model.layers.0.self_attn.qkv_proj.lora_A.weight",
                            "base_model.model.model.layers.1.mlp.gate_up_proj.lora_B.weight");
            Random r = new Random(5);
            for (Parameter p : model.trainableParameters()) { // B starts at zero: make it non-zero so A gets a gradient
                double[] v = dev.readDoubles(p.value());
                for (int i = 0; i < v.length; i++) v[i] = 0.3 * r.nextGaussian();
                dev.writeDoubles(p.value(), v);
            }
            LlamaModelGradientTest.checkAll(dev, model, 1234, packedBatch(), 4);
        }
    }

    /**
     * Phi-4-mini's RoPE: partial rotary (half of each head turns) and longrope whose long factors
     * apply here (the batch's 14 positions exceed original_max_position_embeddings 8), with its
     * attention factor sqrt(1 + ln(512/8) / ln 8).
     */
    @Test
    void partialRotaryLongRopeGradient(@TempDir Path dir) throws IOException {
        Path phi3 = ArchFixture.ROOT.resolve("phi3");
        Map<String, JsonValue> config = new java.util.LinkedHashMap<>(
                Json.parseObject(Files.readAllBytes(phi3.resolve("config.json")), "phi3").fields());
        config.put("original_max_position_embeddings", JsonValue.Num.of(8));
        config.put("rope_parameters", Json.parse("{\"partial_rotary_factor\": 0.5, \"rope_theta\": 10000.0, \"rope_type\": \"longrope\","
                + " \"short_factor\": [1.0, 1.5, 2.0, 3.0], \"long_factor\": [1.0, 2.0, 4.0, 8.0]}"));
        Files.writeString(dir.resolve("config.json"), Json.write(Json.VALUE, new JsonValue.Obj(config)));
        Files.copy(phi3.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(dir, dev, new TrainableWeights.Full(), false)) {
            RotaryEmbedding rope = model.config().layers().getFirst().rope();
            assertThat(rope.rotaryDim()).isEqualTo(8);
            assertThat(rope.scaling()).isInstanceOf(RopeScaling.LongRope.class);
            assertThat(rope.scaling().attentionFactor()).isCloseTo(Math.sqrt(3), within(1e-12));
            assertThat(rope.invFreq(14)).containsExactly(1f, 0.05f, 0.0025f, 0.000125f);
            LlamaModelGradientTest.checkAll(dev, model, 0, packedBatch(), 3);
        }
    }

    @Test
    void gemmaFullFineTuningGradientWithActivationRecomputation() {
        try (var dev = new ReferenceDevice();
             var model = LlamaModel.load(ArchFixture.ROOT.resolve("gemma2"), dev, new TrainableWeights.Full(), true)) {
            LlamaModelGradientTest.checkAll(dev, model, 0, packedBatch(), 2);
        }
    }
}
