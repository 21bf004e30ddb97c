package com.mka1.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.inference.DecodeSession;
import com.mka1.core.inference.ModelRoute;
import com.mka1.core.inference.ServedModel;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.KvCache;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PEFT-made adapter of {@code ../shared/adapters/stories260k/}, put in a models directory
 * beside {@code stories260k} (its base found from {@code base_model_name_or_path}), gives PEFT's
 * logits at every position to 1e-4 of their largest magnitude (the project's relative error; the
 * random adapters make logits up to 20) and its greedy ids. rsLoRA (scale 16/sqrt(8) on all seven
 * projections) is the one exception, at 2e-4: an independent float64 NumPy forward of the very same
 * files is 1.09e-4 off PEFT's saved logits there (the engine: 1.06e-4), so the fixture itself holds
 * no closer answer. Checked: through the serving path (shared
 * unmerged slots for plain LoRA, folded in for the other variants), with merging configured, and
 * folded straight into a {@link LlamaModel} by {@link AdapterMerge}.
 */
class PeftAdapterFixturesTest {
    private static final int VOCAB = 512;

    /** Relative tolerance on PEFT's logits (see the class comment for rsLoRA's). */
    private static double tolerance(String variant) {
        return variant.equals("rslora") ? 2e-4 : 1e-4;
    }

    @TempDir
    Path root;

    static List<String> variants() {
        return PeftFixture.variants();
    }

    @Test
    void theSharedDirectoryHoldsTheNineVariants() {
        assertThat(variants()).containsExactly("all-linear", "alpha-rank-pattern", "dora", "layers-to-transform",
                "lora-all7-r8", "lora-qv-r4", "modules-to-save-norm", "rslora", "target-regex");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void servedAdapterGivesPeftLogitsAndGreedyIds(String variant) throws IOException {
        PeftFixture fx = PeftFixture.load(variant);
        ModelRegistry registry = AdapterModels.registry(root, fx);
        for (boolean merge : new boolean[] {false, true}) {
            ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, merge);
            ModelRoute route = loader.route(AdapterModels.id(variant));
            assertThat(route.weightsDir()).isEqualTo(registry.find("local:stories260k").orElseThrow().dir());
            try (ServedModel served = loader.load(route)) {
                served.useAdapter(route.activeAdapter());
                for (PeftFixture.Prompt p : fx.prompts()) {
                    int[] all = p.sequence();
                    double maxDiff = 0;
                    try (DecodeSession session = served.languageModel().openSession(all.length)) {
                        for (int t = 0; t < all.length; t++) {
                            float[] logits = session.append(new int[] {all[t]});
                            maxDiff = Math.max(maxDiff, maxAbsDiff(logits, p.logits(), t));
                            if (t >= p.promptIds().length - 1 && t < all.length - 1) {
                                assertThat(argmax(logits)).as("%s greedy id %d (merge %s)", variant, t, merge).isEqualTo(all[t + 1]);
                            }
                        }
                    }
                    assertThat(maxDiff / maxAbs(p.logits())).as("%s logits (merge %s)", variant, merge).isLessThan(tolerance(variant));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void adapterFoldedIntoTheModelGivesPeftLogits(String variant) {
        PeftFixture fx = PeftFixture.load(variant);
        try (ReferenceDevice device = new ReferenceDevice();
             LlamaModel model = LlamaModel.load(SharedDir.resolve("models/stories260k"), device, new TrainableWeights.Frozen(), false)) {
            AdapterMerge.apply(model, fx.dir());
            for (PeftFixture.Prompt p : fx.prompts()) {
                int[] all = p.sequence();
                KvCache cache = model.newKvCache(all.length);
                float[] logits = model.forwardWithCache(all, cache);
                double maxDiff = 0;
                for (int t = 0; t < all.length; t++) {
                    maxDiff = Math.max(maxDiff, maxAbsDiff(java.util.Arrays.copyOfRange(logits, t * VOCAB, (t + 1) * VOCAB), p.logits(), t));
                }
                assertThat(maxDiff / maxAbs(p.logits())).as(variant).isLessThan(tolerance(variant));
                cache.close();
            }
        }
    }

    private static double maxAbsDiff(float[] row, double[] expected, int position) {
        double max = 0;
        for (int i = 0; i < VOCAB; i++) max = Math.max(max, Math.abs(row[i] - expected[position * VOCAB + i]));
        return max;
    }

    private static double maxAbs(double[] values) {
        double max = 0;
        for (double v : values) max = Math.max(max, Math.abs(v));
        return max;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
