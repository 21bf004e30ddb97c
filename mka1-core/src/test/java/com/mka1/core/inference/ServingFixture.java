package com.mka1.core.inference;

import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.model.Projection;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.registry.tiny.TinyModel;
import com.mka1.core.model.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Random;

/**
 * A models directory with {@code mka1:tiny-random} and LoRA fine-tunes of it registered like a job
 * registers them; adapters get random (non-zero) B matrices so they change the model's output.
 */
final class ServingFixture {
    static final String FT = "ft:mka1:tiny:support";
    static final String FT_OTHER = "ft:mka1:tiny:other";

    final ModelRegistry registry;
    final Path root;

    ServingFixture(Path root) throws IOException {
        this.root = root;
        Path models = root.resolve("models");
        TinyModel.ensure(models);
        registry = ModelRegistry.open(models, root.resolve("models.json"));
        registry.register(new RegisteredModel(FT, adapter(root.resolve("ft/support"), 1), 1_700_000_000L, "org_test",
                ModelKind.FINE_TUNED, TinyModel.ID, "ftjob_1"));
        registry.register(new RegisteredModel(FT_OTHER, adapter(root.resolve("ft/other"), 2), 1_700_000_100L, "org_test",
                ModelKind.FINE_TUNED, TinyModel.ID, "ftjob_2"));
    }

    ServedModelLoader loader(boolean merge) {
        return new ServedModelLoader(registry, ReferenceDevice::new, merge);
    }

    private Path adapter(Path dir, long seed) {
        LoraSpec spec = new LoraSpec(4, 8, 0, EnumSet.of(Projection.Q, Projection.V, Projection.DOWN), seed);
        try (ReferenceDevice device = new ReferenceDevice();
             LlamaModel model = LlamaModel.load(registry.find(TinyModel.ID).orElseThrow().dir(), device,
                     new TrainableWeights.Lora(spec), false)) {
            Random random = new Random(seed);
            for (Parameter p : model.trainableParameters()) {
                float[] values = new float[(int) p.value().size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextGaussian() * 0.2f;
                }
                device.copyFromHost(values, 0, p.value(), 0, values.length);
            }
            PeftAdapter.save(model, dir, TinyModel.ID);
        }
        return dir;
    }
}
