package com.mka1.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.mka1.core.compute.FiniteDifferences;
import com.mka1.core.compute.ReferenceDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEFT's trainable tokens beside LoRA: the rows' gradient against finite differences (tied and
 * untied), the forward against a full model whose embedding rows hold the same values (an
 * independent path), merging, and the PEFT adapter files.
 */
class TrainableTokensTest {
    private static final Path TINY = ReferenceFixture.resource("models/tiny-llama-bias");
    /** 26 and 12 occur as inputs and targets of the batch, 2 in neither (tied: only the head's softmax reaches it). */
    private static final List<Integer> IDS = List.of(26, 2, 12);
    private static final int HIDDEN = 16;
    private final PackedBatch batch = ReferenceFixture.load("tiny-llama-bias-full.json").batch();

    private static LoraSpec spec() {
        return new LoraSpec(2, 4, 0, EnumSet.of(Projection.Q, Projection.V), 3, IDS);
    }

    private static Path tied(Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), Files.readString(TINY.resolve("config.json"))
                .replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        Files.copy(TINY.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }

    /** Gives every trainable parameter random values (LoRA B starts at zero, the rows at the base rows). */
    private static void randomise(ReferenceDevice dev, LlamaModel model, long seed) {
        Random r = new Random(seed);
        for (Parameter p : model.trainableParameters()) {
            double[] v = dev.readDoubles(p.value());
            for (int i = 0; i < v.length; i++) v[i] = (float) (0.5 * r.nextGaussian()); // floats, as an adapter file stores them
            dev.writeDoubles(p.value(), v);
        }
    }

    private static Parameter rows(LlamaModel model) {
        return model.trainableParameters().stream().filter(p -> p.name().equals(PeftAdapter.TOKENS_DELTA)).findFirst().orElseThrow();
    }

    /** Every element of the rows: d(loss)/d(row) by central differences against the backward pass. */
    private void checkRowGradient(ReferenceDevice dev, LlamaModel model) {
        randomise(dev, model, 17);
        float scale = 0.5f;
        model.zeroGradients();
        model.forwardBackward(batch, scale, 0);
        Parameter rows = rows(model);
        double[] analytic = dev.readDoubles(rows.gradient());
        double[] numeric = FiniteDifferences.gradient(dev, rows.value(), () -> scale * model.evaluate(batch).lossSum());
        FiniteDifferences.assertClose(rows.name(), analytic, numeric, 1e-6);
        // the check must see both paths: a token that is never an input still has a head gradient only when tied
        double[] unusedRow = java.util.Arrays.copyOfRange(analytic, HIDDEN, 2 * HIDDEN);
        assertThat(java.util.Arrays.stream(unusedRow).map(Math::abs).max().orElseThrow() > 0).isEqualTo(model.config().tieWordEmbeddings());
    }

    @Test
    void rowGradientUntied() {
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Lora(spec()), false)) {
            assertThat(model.trainableParameters()).extracting(Parameter::name).first().isEqualTo(
                    "base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta");
            assertThat(rows(model).value().shape()).containsExactly(3, HIDDEN);
            checkRowGradient(dev, model);
        }
    }

    @Test
    void rowGradientTiedSumsLookupAndHead(@TempDir Path dir) throws IOException {
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(tied(dir), dev, new TrainableWeights.Lora(spec()), false)) {
            checkRowGradient(dev, model);
        }
    }

    @Test
    void rowGradientWithActivationRecomputation(@TempDir Path dir) throws IOException {
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(tied(dir), dev, new TrainableWeights.Lora(spec()), true)) {
            checkRowGradient(dev, model);
        }
    }

    /** The rows start as the base rows (PEFT's init), so the model starts as the base model. */
    @Test
    void startsAsTheBaseModel(@TempDir Path dir) throws IOException {
        try (var dev = new ReferenceDevice();
             var base = LlamaModel.load(tied(dir), dev, new TrainableWeights.Frozen(), false);
             var model = LlamaModel.load(dir, dev, new TrainableWeights.Lora(spec()), false)) {
            assertThat(model.logits(batch)).containsExactly(base.logits(batch));
            double[] embed = dev.readDoubles(base.baseWeights().get("model.embed_tokens.weight"));
            double[] rows = dev.readDoubles(rows(model).value());
            for (int j = 0; j < IDS.size(); j++) {
                assertThat(java.util.Arrays.copyOfRange(rows, j * HIDDEN, (j + 1) * HIDDEN))
                        .containsExactly(java.util.Arrays.copyOfRange(embed, IDS.get(j) * HIDDEN, (IDS.get(j) + 1) * HIDDEN));
            }
        }
    }

    /** Trained rows replace the embedding rows (and, tied, the head rows): a full model holding them gives the same logits. */
    @Test
    void rowsActAsTheEmbeddingRowsTiedAndUntied(@TempDir Path dir) throws IOException {
        for (Path modelDir : List.of(TINY, tied(dir))) {
            try (var dev = new ReferenceDevice();
                 var model = LlamaModel.load(modelDir, dev, new TrainableWeights.Lora(spec()), false);
                 var full = LlamaModel.load(modelDir, dev, new TrainableWeights.Full(), false)) {
                Random r = new Random(4);
                double[] values = new double[IDS.size() * HIDDEN];
                for (int i = 0; i < values.length; i++) values[i] = (float) r.nextGaussian(); // float values: the merge stores floats
                dev.writeDoubles(rows(model).value(), values);
                Parameter embed = full.trainableParameters().getFirst();
                assertThat(embed.name()).isEqualTo("model.embed_tokens.weight");
                double[] table = dev.readDoubles(embed.value());
                for (int j = 0; j < IDS.size(); j++) System.arraycopy(values, j * HIDDEN, table, IDS.get(j) * HIDDEN, HIDDEN);
                dev.writeDoubles(embed.value(), table);
                float[] expected = full.logits(batch), actual = model.logits(batch);
                for (int i = 0; i < expected.length; i++) assertThat(actual[i]).as("logit %d of %s", i, modelDir).isCloseTo(expected[i], within(1e-5f));
                // the tied head sees the rows: the logits of the trained ids differ from the base model's
                model.mergeLora();
                float[] merged = model.logits(batch);
                for (int i = 0; i < expected.length; i++) assertThat(merged[i]).as("merged logit %d", i).isCloseTo(expected[i], within(1e-5f));
                assertThat(dev.readDoubles(model.baseWeights().get("model.embed_tokens.weight"))).containsExactly(table);
            }
        }
    }

    /** Save, then load into a fresh model: the PEFT files hold the ids and rows, and the logits come back exactly. */
    @Test
    void adapterRoundTripsInPeftLayout(@TempDir Path dir) throws IOException {
        Path adapter = dir.resolve("adapter");
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(tied(dir), dev, new TrainableWeights.Lora(spec()), false)) {
            randomise(dev, model, 8);
            float[] logits = model.logits(batch);
            PeftAdapter.save(model, adapter, "tiny");
            assertThat(Files.readString(adapter.resolve(PeftAdapter.CONFIG_FILE))).isEqualTo("""
                    {"peft_type":"LORA","task_type":"CAUSAL_LM","base_model_name_or_path":"tiny","r":2,"lora_alpha":4.0,\
                    "lora_dropout":0.0,"target_modules":["q_proj","v_proj"],"bias":"none","fan_in_fan_out":false,\
                    "inference_mode":true,"use_rslora":false,"trainable_token_indices":[26,2,12]}""");
            LoraSpec read = PeftAdapter.readSpec(adapter);
            assertThat(read.trainableTokens()).containsExactly(26, 2, 12);
            try (var reloaded = LlamaModel.load(dir, dev, new TrainableWeights.Lora(read), false)) {
                PeftAdapter.load(reloaded, adapter);
                assertThat(reloaded.logits(batch)).containsExactly(logits);
            }
        }
    }

    /** PEFT's other spelling, a map by layer, reads the same for the embedding and is refused by name for other layers. */
    @Test
    void readsTheLayerMapAndRefusesOtherLayers(@TempDir Path dir) throws IOException {
        String head = "{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":4,\"target_modules\":[\"q_proj\"],\"trainable_token_indices\":";
        Files.writeString(dir.resolve(PeftAdapter.CONFIG_FILE), head + "{\"embed_tokens\":[5,7]}}");
        assertThat(PeftAdapter.readSpec(dir).trainableTokens()).containsExactly(5, 7);
        Files.writeString(dir.resolve(PeftAdapter.CONFIG_FILE), head + "{\"lm_head\":[5]}}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeftAdapter.readSpec(dir)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("trainable_token_indices on layer lm_head");
        Files.writeString(dir.resolve(PeftAdapter.CONFIG_FILE), head + "[5,5]}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeftAdapter.readSpec(dir)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("distinct");
    }
}
