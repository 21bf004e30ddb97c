package com.mka1.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.InvalidRequestException;
import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter of the models directory runs on a base model only: by its mapping, its
 * {@code base_model_name_or_path}, or a bare name; a fine-tuned model (which belongs to its job's
 * end user, while the adapter is everyone's) is never its base.
 */
class AdapterBaseTest {
    @TempDir
    Path root;

    @Test
    void theBaseIsABaseModelNeverAFineTunedOne() throws IOException {
        Path models = AdapterModels.layout(root.resolve("models"), SharedDir.resolve("adapters/stories260k/lora-qv-r4"));
        ModelRegistry registry = ModelRegistry.open(models, root.resolve("models.json"));
        Path fullFineTune = Files.createDirectories(root.resolve("jobs/ftjob_alice/model"));
        AdapterModels.copyTree(models.resolve("stories260k"), fullFineTune);
        registry.register(new RegisteredModel("ft:local:stories260k:alice", fullFineTune, 1_700_000_000L, "org", ModelKind.FINE_TUNED,
                "local:stories260k", "ftjob_alice"));
        Path adapter = models.resolve("peft/lora-qv-r4");
        AdapterConfig config = AdapterConfig.read(adapter);

        assertThat(AdapterBase.resolve(registry, adapter, config)).map(RegisteredModel::id).contains("local:stories260k");
        AdapterBase.writeMapping(adapter, "ft:local:stories260k:alice");
        assertThat(Files.readString(adapter.resolve(AdapterBase.MAPPING_FILE)))
                .isEqualTo("{\"base_model\":\"ft:local:stories260k:alice\"}\n");
        assertThat(AdapterBase.resolve(registry, adapter, config)).isEmpty();
        ServedModelLoader loader = new ServedModelLoader(registry, ReferenceDevice::new, false);
        assertThatThrownBy(() -> loader.route("peft:lora-qv-r4")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("Model 'peft:lora-qv-r4' is a LoRA adapter for the base model 'ft:local:stories260k:alice'"
                        + " (mka1_adapter.json), which is not a base model of the models directory; add that model, or map"
                        + " the adapter with 'mka1 models add --base'.");
        AdapterBase.writeMapping(adapter, "local:stories260k");
        assertThat(loader.route("peft:lora-qv-r4").weightsDir()).isEqualTo(models.resolve("stories260k").toAbsolutePath().normalize());
    }
}
