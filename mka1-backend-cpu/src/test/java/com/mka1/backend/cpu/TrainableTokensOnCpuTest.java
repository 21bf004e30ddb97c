package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.compute.ReferenceBackend;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.PackedBatch;
import com.mka1.core.model.Parameter;
import com.mka1.core.model.Projection;
import com.mka1.core.model.TrainableWeights;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LoRA with trainable token rows (stories260k, tied embeddings, rows of {@code </s>} and two
 * other ids) on this backend against the reference backend: logits, loss and every trainable
 * gradient, with the same random adapter and rows on both. Fails when ../shared is missing.
 */
class TrainableTokensOnCpuTest {
    private static final LoraSpec SPEC = new LoraSpec(4, 8, 0, EnumSet.allOf(Projection.class), 5, List.of(2, 65, 300));

    /** Two rows of 12 tokens; {@code </s>} (2) and the other trained ids occur as inputs and targets. */
    private static PackedBatch batch() {
        int rows = 2, seq = 12, n = rows * seq;
        int[] tokens = new int[n], targets = new int[n], positions = new int[n], seg = new int[n];
        Random r = new Random(3);
        for (int i = 0; i < n; i++) {
            tokens[i] = i % 5 == 4 ? 2 : i % 7 == 3 ? 65 : 3 + r.nextInt(500);
            positions[i] = i % seq;
            seg[i] = 0; // one example per row: its start within the row
        }
        for (int i = 0; i < n; i++) targets[i] = (i + 1) % seq == 0 ? -1 : tokens[i + 1];
        targets[5] = 300;
        return new PackedBatch(rows, seq, tokens, targets, positions, seg);
    }

    /** Logits, loss and gradients of one forward/backward with seeded parameter values. */
    private static List<float[]> run(ComputeDevice dev) {
        try (LlamaModel model = LlamaModel.load(Fixtures.stories(), dev, new TrainableWeights.Lora(SPEC), false)) {
            Random r = new Random(11);
            for (Parameter p : model.trainableParameters()) {
                float[] v = dev.download(p.value());
                for (int i = 0; i < v.length; i++) v[i] += (float) (0.05 * r.nextGaussian()); // rows keep their base values plus noise
                dev.copyFromHost(v, 0, p.value(), 0, v.length);
            }
            PackedBatch batch = batch();
            List<float[]> out = new ArrayList<>();
            out.add(model.logits(batch));
            model.zeroGradients();
            out.add(new float[] {(float) model.forwardBackward(batch, 0.1f, 0).lossSum()});
            for (Parameter p : model.trainableParameters()) out.add(dev.download(p.gradient()));
            assertThat(model.trainableParameters().getFirst().name())
                    .isEqualTo("base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta");
            return out;
        }
    }

    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {true, false})
    void agreesWithTheReferenceBackend(boolean simd) {
        List<float[]> want;
        try (ComputeDevice reference = new ReferenceBackend().open(BackendOptions.defaults())) {
            want = run(reference);
        }
        List<float[]> got;
        try (ComputeDevice cpu = Fixtures.open(simd, 2)) {
            got = run(cpu);
        }
        for (int o = 0; o < want.size(); o++) {
            float[] w = want.get(o), g = got.get(o);
            double scale = 0, worst = 0;
            for (int i = 0; i < w.length; i++) {
                scale = Math.max(scale, Math.abs(w[i]));
                worst = Math.max(worst, Math.abs(g[i] - w[i]));
            }
            assertThat(scale).as("output %d is not trivially zero", o).isGreaterThan(0);
            assertThat(worst / scale).as("output %d max relative error", o).isLessThan(1e-4);
        }
    }
}
