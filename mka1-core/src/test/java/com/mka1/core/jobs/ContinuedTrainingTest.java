package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.PageParams;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.compute.Backends;
import com.mka1.core.compute.ReferenceBackend;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.SharedDir;
import com.mka1.core.train.llama.LlamaTrainer;
import com.mka1.spi.BackendOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job whose model is a LoRA fine-tune continues that adapter on the original base (the real
 * LlamaTrainer on stories260k): the new model is registered on the root base and can be served;
 * the checkpoint the trainer pruned leaves the registry.
 */
class ContinuedTrainingTest {
    private static final String BASE = "karpathy:stories260k";

    @TempDir
    Path root;

    private EmbeddedMka1 open(boolean mergeAdapters) {
        LlamaTrainer.Options defaults = LlamaTrainer.Options.defaults();
        LlamaTrainer trainer = new LlamaTrainer(new Backends(List.of(new ReferenceBackend())), new LlamaTrainer.Options(
                defaults.microBatchTokens(), defaults.stateSaveInterval(), 1, false, defaults.backend())); // keeps one checkpoint
        return EmbeddedMka1.builder().dataDir(root.resolve("data")).modelsDir(root.resolve("models")).embeddedModel(false)
                .trainer(trainer).minExamples(4).mergeAdapters(mergeAdapters)
                .inferenceDevices(() -> new ReferenceBackend().open(BackendOptions.defaults())).build();
    }

    private static FineTuningJob train(EmbeddedMka1 mka1, String model, String file, String suffix, int epochs) {
        Hyperparameters hp = Hyperparameters.auto().withNEpochs(HyperparameterValue.of(epochs)).withBatchSize(HyperparameterValue.of(4))
                .withEngine(new EngineSettings(null, null, null, null, null, null, null, 64, null));
        FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of(model, file).withSuffix(suffix).withSeed(3L)
                .withMethod(new Method.Supervised(hp)));
        Mka1Fixture.await(() -> mka1.fineTuning().retrieve(job.id()).status().terminal(), () -> "job " + job.id() + " to end");
        FineTuningJob done = mka1.fineTuning().retrieve(job.id());
        assertThat(done.status()).as("job error: %s", done.error()).isEqualTo(JobStatus.SUCCEEDED);
        return done;
    }

    private static String greedy(EmbeddedMka1 mka1, String model) {
        Response r = mka1.responses().create(ResponseCreateParams.of(model, "1+1?").withTemperature(0.0).withMaxOutputTokens(6));
        assertThat(r.model()).isEqualTo(model);
        return r.outputText();
    }

    @Test
    void continuingALoraFineTuneRegistersTheRootBaseAndServes() throws Exception {
        Path model = Files.createDirectories(root.resolve("models/karpathy/stories260k"));
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(SharedDir.resolve("models/stories260k/" + name), model.resolve(name));
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            lines.append("{\"messages\":[{\"role\":\"user\",\"content\":\"").append(i).append("+1?\"},")
                    .append("{\"role\":\"assistant\",\"content\":\"").append(i + 1).append(".\"}]}\n");
        }
        String served;
        String second;
        try (EmbeddedMka1 mka1 = open(false)) {
            String file = Mka1Fixture.upload(mka1, Caller.NONE, lines.toString()).id();
            String first = train(mka1, BASE, file, "first", 1).fineTunedModel();
            FineTuningJob continued = train(mka1, first, file, "second", 2); // one step per epoch
            second = continued.fineTunedModel();
            assertThat(second).isEqualTo("ft:" + BASE + ":second");

            RegisteredModel registered = Mka1Fixture.registry(root).find(second).orElseThrow();
            assertThat(registered.baseModel()).isEqualTo(BASE);
            assertThat(registered.dir().resolve("adapter_config.json")).isRegularFile();
            assertThat(Mka1Fixture.registry(root).find(second + ":ckpt-step-2").orElseThrow().baseModel()).isEqualTo(BASE);
            // the trainer deleted the step-1 directory when it wrote step 2: listed, no longer a model
            assertThat(mka1.fineTuning().listCheckpoints(continued.id(), PageParams.FIRST).data())
                    .extracting(Checkpoint::stepNumber).containsExactly(2, 1);
            assertThat(Mka1Fixture.registry(root).find(second + ":ckpt-step-1")).isEmpty();

            served = greedy(mka1, second); // served as the base with the shared, unmerged adapter
            assertThat(served).isNotEmpty();
        }
        try (EmbeddedMka1 merged = open(true)) { // the adapter folded into a copy of the base answers the same
            assertThat(greedy(merged, second)).isEqualTo(served);
        }
    }
}
