package com.mka1.core.train.llama;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.Caller;
import com.mka1.api.PageParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job created through the Mka1 facade really trains stories260k with the LlamaTrainer. */
class FineTuningThroughFacadeTest {
    @TempDir
    Path root;

    @Test
    void aSupervisedJobTrainsTheRealModelToSucceeded() throws Exception {
        Path model = Files.createDirectories(root.resolve("models/karpathy/stories260k"));
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(SharedDir.resolve("models/stories260k/" + name), model.resolve(name));
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            lines.append("{\"messages\":[{\"role\":\"user\",\"content\":\"").append(i).append("+1?\"},")
                    .append("{\"role\":\"assistant\",\"content\":\"").append(i + 1).append(".\"}]}\n");
        }
        // no trainer given: the builder finds the LlamaTrainer with ServiceLoader; the job names its backend
        try (EmbeddedMka1 mka1 = EmbeddedMka1.builder().dataDir(root.resolve("data")).modelsDir(root.resolve("models"))
                .build()) {
            FileObject file = Mka1Fixture.upload(mka1, Caller.NONE, lines.toString());
            Hyperparameters hp = Hyperparameters.auto().withNEpochs(HyperparameterValue.of(2))
                    .withBatchSize(HyperparameterValue.of(5))
                    .withEngine(EngineSettings.builder().loraAlpha(64.0).maxSeqLength(128).backend("reference").build());
            FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of("karpathy:stories260k", file.id())
                    .withSuffix("adder").withSeed(7L).withMethod(new Method.Supervised(hp)));

            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!mka1.fineTuning().retrieve(job.id()).status().terminal() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            FineTuningJob done = mka1.fineTuning().retrieve(job.id());
            assertThat(done.status()).as("job error: %s", done.error()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(done.fineTunedModel()).isEqualTo("ft:karpathy:stories260k:adder");
            assertThat(done.hyperparameters().nEpochs()).isEqualTo(HyperparameterValue.of(2));
            assertThat(done.hyperparameters().batchSize()).isEqualTo(HyperparameterValue.of(5));
            assertThat(done.hyperparameters().learningRateMultiplier()).isEqualTo(HyperparameterValue.of(1.0));
            assertThat(done.trainedTokens()).isPositive();
            assertThat(mka1.fineTuning().eventsSince(job.id(), null)).extracting(JobEvent::message).anySatisfy(m -> assertThat(m)
                    .startsWith("Training on 10 examples: 2 epochs, batch size 5, ")
                    .endsWith(", backend reference (plain Java reference, double precision, 1 thread)"));

            List<Checkpoint> checkpoints = mka1.fineTuning().listCheckpoints(job.id(), new PageParams(10, null)).data();
            assertThat(checkpoints).extracting(Checkpoint::stepNumber).containsExactlyInAnyOrder(2, 4);
            assertThat(checkpoints).allSatisfy(c -> assertThat(c.metrics().trainLoss()).isPositive());
            List<String> events = mka1.fineTuning().listEvents(job.id(), new PageParams(100, null)).data().stream()
                    .map(JobEvent::message).toList();
            assertThat(events).anyMatch(m -> m.startsWith("Step 4/4"));
        }
    }
}
