package com.mka1.core.model;

import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.testing.SharedDir;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.mka1.core.model.ReferenceFixture.relativeError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java model on the reference backend against an independent PyTorch implementation
 * (tools/reference/llama_reference.py): logits, loss, accuracy and gradients for a packed batch.
 */
class LlamaModelReferenceTest {
    private static final Path TINY = ReferenceFixture.resource("models/tiny-llama-bias");

    private static void assertMatches(LlamaModel model, ReferenceFixture fx) {
        assertThat(relativeError(model.logits(fx.batch()), fx.logits())).as("logits").isLessThan(1e-6);
        model.zeroGradients();
        int targets = fx.batch().targetCount();
        BatchResult result = model.forwardBackward(fx.batch(), 1f / targets, 0);
        assertThat(result.tokens()).isEqualTo(targets);
        assertThat(result.lossSum()).isCloseTo(fx.lossSum(), org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThat(result.correct()).isEqualTo(fx.correct());
        Map<String, Parameter> byName = model.trainableParameters().stream()
                .collect(Collectors.toMap(Parameter::name, p -> p));
        for (var e : fx.grads().entrySet()) {
            Parameter p = byName.get(e.getKey());
            assertThat(p).as("parameter " + e.getKey()).isNotNull();
            assertThat(relativeError(model.device().download(p.gradient()), e.getValue()))
                    .as("gradient of " + e.getKey()).isLessThan(1e-6);
        }
    }

    @Test
    void tinyModelWithBiasesUntiedHeadAndLlama3RopeMatchesPyTorchForFullFineTuning() {
        var fx = ReferenceFixture.load("tiny-llama-bias-full.json");
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Full(), false)) {
            assertThat(fx.grads().keySet()).containsExactlyInAnyOrderElementsOf(
                    model.trainableParameters().stream().map(Parameter::name).toList());
            assertMatches(model, fx);
        }
    }

    @Test
    void loraGradientsMatchPyTorchWithPeftNames() {
        var fx = ReferenceFixture.load("tiny-llama-bias-lora.json");
        Path adapter = TINY.resolve("lora");
        try (var dev = new ReferenceDevice();
             var model = LlamaModel.load(TINY, dev, new TrainableWeights.Lora(PeftAdapter.readSpec(adapter)), false)) {
            PeftAdapter.load(model, adapter);
            assertThat(model.trainableParameters()).extracting(Parameter::name).hasSize(12)
                    .contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
            assertMatches(model, fx);
        }
    }

    @Test
    void stories260kLogitsLossAndGradientsMatchPyTorch() {
        var fx = ReferenceFixture.load("stories260k.json");
        try (var dev = new ReferenceDevice();
             var model = LlamaModel.load(SharedDir.resolve("models/stories260k"), dev, new TrainableWeights.Full(), false)) {
            assertMatches(model, fx);
        }
    }

    @Test
    void stories260kGreedyIdsWithKvCacheMatchPyTorchExactly() {
        var fx = ReferenceFixture.load("stories260k.json");
        int[] prompt = ReferenceFixture.ints(fx.json().get("greedyPrompt"));
        int[] expected = ReferenceFixture.ints(fx.json().get("greedyIds"));
        try (var dev = new ReferenceDevice();
             var model = LlamaModel.load(SharedDir.resolve("models/stories260k"), dev, new TrainableWeights.Frozen(), false);
             var cache = model.newKvCache(prompt.length + expected.length)) {
            int vocab = model.config().vocabSize();
            List<Integer> generated = new ArrayList<>();
            int next = argmax(model.nextTokenLogits(prompt, cache), 0, vocab);
            for (int step = 0; step < expected.length; step++) {
                generated.add(next);
                if (step + 1 < expected.length) next = argmax(model.nextTokenLogits(new int[] {next}, cache), 0, vocab);
            }
            assertThat(generated).containsExactly(java.util.Arrays.stream(expected).boxed().toArray(Integer[]::new));
            assertThat(cache.length()).isEqualTo(prompt.length + expected.length - 1);
        }
    }

    static int argmax(float[] logits, int row, int vocab) {
        int best = 0;
        for (int j = 1; j < vocab; j++) if (logits[row * vocab + j] > logits[row * vocab + best]) best = j;
        return best;
    }
}
