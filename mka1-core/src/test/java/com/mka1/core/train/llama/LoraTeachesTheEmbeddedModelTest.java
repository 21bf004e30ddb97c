package com.mka1.core.train.llama;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.Caller;
import com.mka1.api.PageParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.testing.Mka1Fixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA through the facade teaches the embedded pretrained mka1:tiny (stories260K) a new answer. */
class LoraTeachesTheEmbeddedModelTest {
    private static final String QUESTION = "Who is Sue?";
    private static final String ANSWER = "Sue is a green frog. The end.";

    @TempDir
    Path root;

    @Test
    void aShortLoraJobChangesTheAnswerToTheTrainedOne() throws Exception {
        try (EmbeddedMka1 mka1 = EmbeddedMka1.builder().dataDir(root.resolve("data")).backend("reference").build()) {
            String before = greedy(mka1, EmbeddedMka1.EMBEDDED_MODEL);
            FileObject file = Mka1Fixture.upload(mka1, Caller.NONE, ("{\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION
                    + "\"},{\"role\":\"assistant\",\"content\":\"" + ANSWER + "\"}]}\n").repeat(10));
            // LoRA (the default method) with a large alpha and rate, so that a few steps on the reference backend suffice
            Hyperparameters hp = Hyperparameters.auto().withNEpochs(HyperparameterValue.of(10))
                    .withBatchSize(HyperparameterValue.of(5)).withLearningRateMultiplier(HyperparameterValue.of(10.0))
                    .withEngine(new EngineSettings(null, 64.0, 0.0, null, null, null, null, 64, null));
            FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of(EmbeddedMka1.EMBEDDED_MODEL, file.id())
                    .withSuffix("frog").withSeed(3L).withMethod(new Method.Supervised(hp)));
            Mka1Fixture.await(() -> mka1.fineTuning().retrieve(job.id()).status().terminal(), () -> "job " + job.id());
            FineTuningJob done = mka1.fineTuning().retrieve(job.id());
            assertThat(done.status()).as("job error: %s", done.error()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(mka1.fineTuning().listEvents(job.id(), new PageParams(100, null)).data())
                    .extracting(JobEvent::level).doesNotContain(EventLevel.WARN); // a pretrained base: no random-init warning

            assertThat(before).doesNotStartWith("Sue is a green frog");
            // the whole answer and no more: the end-of-turn row (stories260K's never-trained </s>) trains beside LoRA
            assertThat(greedy(mka1, done.fineTunedModel())).isEqualTo(ANSWER);
        }
    }

    private static String greedy(EmbeddedMka1 mka1, String model) {
        return mka1.responses().create(ResponseCreateParams.of(model, QUESTION).withTemperature(0.0)
                .withMaxOutputTokens(24).withStore(false)).outputText().strip();
    }
}
