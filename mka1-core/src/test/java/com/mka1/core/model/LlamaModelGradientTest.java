package com.mka1.core.model;

import com.mka1.core.compute.FiniteDifferences;
import com.mka1.core.compute.ReferenceDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole model's gradient against central finite differences of its own loss, in double on
 * the reference backend: full fine-tuning (every parameter tensor), LoRA with dropout, and
 * activation recomputation.
 */
class LlamaModelGradientTest {
    private static final Path TINY = ReferenceFixture.resource("models/tiny-llama-bias");
    private static final double TOL = 1e-6;
    private final PackedBatch batch = ReferenceFixture.load("tiny-llama-bias-full.json").batch();

    /** Checks a few random elements of every parameter (all elements would take minutes). */
    private void checkAll(ReferenceDevice dev, LlamaModel model, long dropoutSeed) {
        checkAll(dev, model, dropoutSeed, batch, 6);
    }

    /** Checks {@code perParameter} elements of every trainable parameter of {@code model} on {@code batch}. */
    static void checkAll(ReferenceDevice dev, LlamaModel model, long dropoutSeed, PackedBatch batch, int perParameter) {
        float gradScale = 0.25f;
        model.zeroGradients();
        model.forwardBackward(batch, gradScale, dropoutSeed);
        // snapshot first: the finite-difference passes below accumulate into the gradients again
        List<double[]> gradients = model.trainableParameters().stream().map(p -> dev.readDoubles(p.gradient())).toList();
        Random pick = new Random(7);
        for (int pi = 0; pi < gradients.size(); pi++) {
            Parameter p = model.trainableParameters().get(pi);
            double[] analytic = gradients.get(pi);
            double[] values = dev.readDoubles(p.value());
            int[] used = IntStream.range(0, analytic.length).filter(i -> analytic[i] != 0).toArray();
            int samples = Math.min(perParameter, values.length);
            double[] a = new double[samples], numeric = new double[samples];
            for (int s = 0; s < samples; s++) {
                // half the samples where the gradient is non-zero (embedding rows of batch tokens), half anywhere
                int i = s % 2 == 0 && used.length > 0 ? used[pick.nextInt(used.length)] : pick.nextInt(values.length);
                a[s] = analytic[i];
                numeric[s] = derivative(dev, model, batch, p, values, i, gradScale, dropoutSeed);
            }
            FiniteDifferences.assertClose(p.name(), a, numeric, TOL);
        }
    }

    /** The loss alone: an evaluation pass, or with LoRA dropout a training pass (the same masks as the analytic one). */
    private static double loss(LlamaModel model, PackedBatch batch, float gradScale, long dropoutSeed) {
        if (model.trainableWeights() instanceof TrainableWeights.Full) return model.evaluate(batch).lossSum();
        return model.forwardBackward(batch, gradScale, dropoutSeed).lossSum();
    }

    private static double derivative(ReferenceDevice dev, LlamaModel model, PackedBatch batch, Parameter p, double[] values, int i, float gradScale,
                              long dropoutSeed) {
        double keep = values[i], h = 1e-5;
        values[i] = keep + h;
        dev.writeDoubles(p.value(), values);
        double plus = loss(model, batch, gradScale, dropoutSeed);
        values[i] = keep - h;
        dev.writeDoubles(p.value(), values);
        double minus = loss(model, batch, gradScale, dropoutSeed);
        values[i] = keep;
        dev.writeDoubles(p.value(), values);
        return gradScale * (plus - minus) / (2 * h);
    }

    @Test
    void fullFineTuningGradientOfEveryParameter() {
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Full(), false)) {
            checkAll(dev, model, 0);
        }
    }

    @Test
    void fullFineTuningGradientWithActivationRecomputation() {
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Full(), true)) {
            checkAll(dev, model, 0);
        }
    }

    /** Tied embeddings: the table's gradient sums the lookup's and the LM head's. */
    @Test
    void fullFineTuningGradientWithTiedEmbeddings(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), Files.readString(TINY.resolve("config.json"))
                .replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        Files.copy(TINY.resolve("model.safetensors"), dir.resolve("model.safetensors")); // its lm_head.weight goes unused
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(dir, dev, new TrainableWeights.Full(), false)) {
            assertThat(model.config().tieWordEmbeddings()).isTrue();
            assertThat(model.trainableParameters()).extracting(Parameter::name).doesNotContain("lm_head.weight");
            checkAll(dev, model, 0);
        }
    }

    /** 2 rows of 70 tokens: the LM head and loss run in two chunks of logits rows. */
    @Test
    void fullFineTuningGradientOverMoreRowsThanOneLogitsChunk() {
        int rows = 2, seq = 70, n = rows * seq;
        int[] tokens = new int[n], targets = new int[n], positions = new int[n], seg = new int[n];
        Random r = new Random(9);
        for (int i = 0; i < n; i++) {
            tokens[i] = r.nextInt(32);
            positions[i] = i % seq;
        }
        for (int i = 0; i < n; i++) targets[i] = (i + 1) % seq == 0 ? -1 : tokens[i + 1];
        assertThat(n).isGreaterThan(ActivationBuffers.LOGIT_ROWS);
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Full(), false)) {
            checkAll(dev, model, 0, new PackedBatch(rows, seq, tokens, targets, positions, seg), 2);
        }
    }

    @Test
    void loraGradientOnEveryProjectionWithDropout() {
        var spec = new LoraSpec(3, 6, 0.25, EnumSet.allOf(Projection.class), 11);
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(TINY, dev, new TrainableWeights.Lora(spec), false)) {
            Random r = new Random(5);
            for (Parameter p : model.trainableParameters()) { // B starts at zero: make it non-zero so A gets a gradient
                double[] v = dev.readDoubles(p.value());
                for (int i = 0; i < v.length; i++) v[i] = 0.3 * r.nextGaussian();
                dev.writeDoubles(p.value(), v);
            }
            checkAll(dev, model, 1234);
        }
    }
}
