package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.BadRequestException;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenAI's official Java client, changed only in base URL and key, drives the server. */
class OpenAiSdkTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static OpenAIClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir.resolve("data"), new ScriptedTrainer(40, 20, 10));
        admin = client(TestServer.ADMIN_KEY);
    }

    @AfterAll
    static void stop() {
        admin.close();
        server.close();
    }

    private static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(server.root() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void uploadCreateRetrieveEventsCheckpointsPauseResumeCancel() throws Exception {
        Path train = TrainingData.writeChatFile(dir, "train.jsonl", 12);
        FileObject file = admin.files().create(FileCreateParams.builder().file(train).purpose(FilePurpose.FINE_TUNE).build());
        assertThat(file.id()).matches("file_[0-9a-f]{32}");
        assertThat(file.bytes()).isEqualTo(Files.size(train));
        assertThat(file.filename()).isEqualTo("train.jsonl");
        assertThat(admin.files().retrieve(file.id()).id()).isEqualTo(file.id());

        FineTuningJob created = admin.fineTuning().jobs().create(JobCreateParams.builder().model("test:base")
                .trainingFile(file.id()).suffix("sdk").build());
        assertThat(created.id()).matches("ftjob_[0-9a-f]{32}");
        assertThat(created.model()).isEqualTo("test:base");
        assertThat(admin.fineTuning().jobs().retrieve(created.id()).trainingFile()).isEqualTo(file.id());

        awaitStatus(created.id(), "running");
        awaitCheckpoint(created.id());
        FineTuningJob pausing = admin.fineTuning().jobs().pause(created.id());
        assertThat(pausing.status().asString()).isIn("pausing", "paused");
        awaitStatus(created.id(), "paused");
        assertThat(admin.fineTuning().jobs().resume(created.id()).status().asString()).isIn("queued", "running");

        List<FineTuningJobEvent> events = admin.fineTuning().jobs().listEvents(created.id()).data();
        assertThat(events).isNotEmpty();
        assertThat(events).extracting(FineTuningJobEvent::message).contains("Job resumed");
        List<FineTuningJobCheckpoint> checkpoints = admin.fineTuning().jobs().checkpoints().list(created.id()).data();
        assertThat(checkpoints).isNotEmpty().allSatisfy(c -> assertThat(c.fineTuningJobId()).isEqualTo(created.id()));
        // Newest first; the resumed job may already have passed its next checkpoint, so the oldest is the first one.
        assertThat(checkpoints.getLast().stepNumber()).isEqualTo(10);

        FineTuningJob cancelled = admin.fineTuning().jobs().cancel(created.id());
        assertThat(cancelled.status()).isEqualTo(FineTuningJob.Status.CANCELLED);
        assertThat(admin.fineTuning().jobs().list().data()).extracting(FineTuningJob::id).contains(created.id());
    }

    @Test
    void responsesCreateAndRetrieve() {
        com.openai.models.responses.Response response = admin.responses().create(
                com.openai.models.responses.ResponseCreateParams.builder().model("mka1:tiny")
                        .input("Write a support reply for a delayed shipment.").maxOutputTokens(5).temperature(0).build());
        assertThat(response.id()).matches("resp_[0-9a-f]{32}");
        String text = response.output().getFirst().message().orElseThrow().content().getFirst().outputText()
                .orElseThrow().text();
        assertThat(admin.responses().retrieve(response.id()).output().getFirst().message().orElseThrow().content()
                .getFirst().outputText().orElseThrow().text()).isEqualTo(text);
    }

    @Test
    void errorsArriveAsTheSdksTypedExceptions() {
        assertThatThrownBy(() -> admin.fineTuning().jobs().retrieve("ftjob_missing"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("No such fine-tuning job: ftjob_missing");
        OpenAIClient user = client(TestServer.USER_KEY);
        try {
            assertThatThrownBy(() -> user.fineTuning().jobs().list())
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessageContaining("This endpoint needs an API key with the admin role");
        } finally {
            user.close();
        }
        assertThatThrownBy(() -> admin.fineTuning().jobs().create(JobCreateParams.builder().model("nobody:nothing")
                .trainingFile("file_x").build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("Model 'nobody:nothing' not found.");
    }

    private static void awaitStatus(String id, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (admin.fineTuning().jobs().retrieve(id).status().asString().equals(wanted)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(id + " never reached " + wanted);
    }

    private static void awaitCheckpoint(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!admin.fineTuning().jobs().checkpoints().list(id).data().isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(id + " wrote no checkpoint");
    }
}
