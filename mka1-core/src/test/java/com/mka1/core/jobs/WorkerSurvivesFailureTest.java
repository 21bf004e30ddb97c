package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileUpload;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.files.FileStore;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import com.mka1.core.train.Trainer;
import com.mka1.core.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unexpected failure on a job worker must not kill it (there is no replacement): it is logged,
 * the job fails only where its status allows, and the next queued job still trains.
 */
class WorkerSurvivesFailureTest {
    @TempDir
    Path root;

    @Test
    void aPauseThatCannotBeRecordedLeavesTheDurableStatusAndTheWorkerServesTheNextJob() throws Exception {
        Mka1Fixture fixture = new Mka1Fixture(root);
        Path jobsDir = fixture.dataDir.resolve("jobs");
        StepTrainer steps = new StepTrainer(100);
        // After the first run stops, its events folder becomes a plain file: the next event write fails.
        Trainer breaksEventsOfFirstRun = (run, listener) -> {
            TrainingResult result = steps.train(run, listener);
            if (steps.runs.size() == 1) replaceWithFile(jobsDir.resolve(run.jobId()).resolve("events"));
            return result;
        };
        FileStore files = FileStore.open(fixture.dataDir.resolve("files"), 1 << 20, Clock.systemUTC());
        ModelRegistry models = ModelRegistry.open(fixture.modelsDir, fixture.dataDir.resolve("models.json"));
        try (JobManager jobs = JobManager.open(jobsDir, files, models, breaksEventsOfFirstRun,
                new JobManagerConfig(1, 100, 4, TokenCounter.APPROXIMATE, "org_test", Clock.systemUTC()))) {
            String file = files.upload(new FileUpload("train.jsonl", FilePurpose.FINE_TUNE,
                    new ByteArrayInputStream(chatLines(4).getBytes(StandardCharsets.UTF_8))), Caller.NONE).id();
            String first = jobs.create(JobCreateParams.of(MODEL, file), Caller.NONE).id();
            await(jobs, first, JobStatus.RUNNING);
            assertThat(jobs.pause(first, Caller.NONE).status()).isEqualTo(JobStatus.PAUSING);
            // The trainer stops; recording "paused" (and then the failure) cannot be written: neither is reported.

            String second = jobs.create(JobCreateParams.of(MODEL, file), Caller.NONE).id();
            steps.unlimited();
            FineTuningJob done = await(jobs, second, JobStatus.SUCCEEDED);

            assertThat(done.error()).isNull();
            assertThat(steps.runs).containsExactly(first, second);
            FineTuningJob pausing = jobs.retrieve(first, Caller.NONE);
            assertThat(pausing.status()).isEqualTo(JobStatus.PAUSING); // what the store holds
            assertThat(pausing.error()).isNull();
        }
    }

    @Test
    void aTrainerThatThrowsAnErrorFailsItsJobAndTheWorkerServesTheNextJob() throws Exception {
        Mka1Fixture fixture = new Mka1Fixture(root);
        StepTrainer steps = new StepTrainer(100).unlimited();
        AtomicBoolean thrown = new AtomicBoolean();
        Trainer outOfMemoryOnce = (run, listener) -> {
            if (thrown.compareAndSet(false, true)) throw new OutOfMemoryError("model too large");
            return steps.train(run, listener);
        };
        FileStore files = FileStore.open(fixture.dataDir.resolve("files"), 1 << 20, Clock.systemUTC());
        ModelRegistry models = ModelRegistry.open(fixture.modelsDir, fixture.dataDir.resolve("models.json"));
        try (JobManager jobs = JobManager.open(fixture.dataDir.resolve("jobs"), files, models, outOfMemoryOnce,
                new JobManagerConfig(1, 100, 4, TokenCounter.APPROXIMATE, "org_test", Clock.systemUTC()))) {
            String file = files.upload(new FileUpload("train.jsonl", FilePurpose.FINE_TUNE,
                    new ByteArrayInputStream(chatLines(4).getBytes(StandardCharsets.UTF_8))), Caller.NONE).id();
            String first = jobs.create(JobCreateParams.of(MODEL, file), Caller.NONE).id();
            FineTuningJob failed = await(jobs, first, JobStatus.FAILED);
            assertThat(failed.error()).isEqualTo(new JobError("server_error", "Internal error: model too large", null));

            String second = jobs.create(JobCreateParams.of(MODEL, file), Caller.NONE).id();
            assertThat(await(jobs, second, JobStatus.SUCCEEDED).error()).isNull();
            assertThat(steps.runs).containsExactly(second);
        }
    }

    private static void replaceWithFile(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            Files.writeString(dir, "not a folder");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FineTuningJob await(JobManager jobs, String jobId, JobStatus status) {
        Mka1Fixture.await(() -> jobs.retrieve(jobId, Caller.NONE).status() == status,
                () -> jobId + " to be " + status.wireName() + " but it is " + jobs.retrieve(jobId, Caller.NONE).status().wireName());
        return jobs.retrieve(jobId, Caller.NONE);
    }
}
