package com.mka1.core.jobs;

import com.mka1.core.jobs.store.JobChange;
import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.jobs.store.StoredJob;
import com.mka1.api.Caller;
import com.mka1.api.InsufficientStorageException;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileUpload;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.PageParams;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.files.FileStore;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.storage.DiskState;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The full-disk rules where no small file system can be mounted (CI without root): the real
 * file store with the disk's refusal injected at the storage layer. A change that cannot be
 * written answers 507 and changes nothing a client can see; a run whose steps cannot be recorded
 * keeps its durable status and continues once writes succeed again.
 */
class FullDiskLedgerTest {
    @TempDir
    Path root;

    /** The real store, refusing every commit while {@link #full} is set, as a full disk does. */
    private static final class FillableStore implements JobStore {
        private final FileJobStore disk;
        volatile boolean full;

        FillableStore(Path dir) throws IOException {
            disk = new FileJobStore(dir);
        }

        @Override
        public List<StoredJob> loadAll() throws IOException {
            return disk.loadAll();
        }

        @Override
        public void commit(JobChange change) throws IOException {
            if (full) throw new IOException("No space left on device");
            disk.commit(change);
        }

        @Override
        public Path stateDir(String jobId) {
            return disk.stateDir(jobId);
        }

        @Override
        public Path outputDir(String jobId) {
            return disk.outputDir(jobId);
        }
    }

    @Test
    void aRefusedWriteAnswers507AndTheDurableStateStaysTheTruth() throws Exception {
        Mka1Fixture fixture = new Mka1Fixture(root);
        Path jobsDir = fixture.dataDir.resolve("jobs");
        FillableStore store = new FillableStore(jobsDir);
        StepTrainer steps = new StepTrainer(100);
        FileStore files = FileStore.open(fixture.dataDir.resolve("files"), 1 << 20, Clock.systemUTC());
        ModelRegistry models = ModelRegistry.open(fixture.modelsDir, fixture.dataDir.resolve("models.json"));
        try (JobManager jobs = JobManager.open(store, files, models, steps,
                new JobManagerConfig(1, 100, 4, TokenCounter.APPROXIMATE, "org_test", Clock.systemUTC()),
                new DiskState(jobsDir, Clock.systemUTC()), null)) {
            String file = files.upload(new FileUpload("train.jsonl", FilePurpose.FINE_TUNE,
                    new ByteArrayInputStream(chatLines(4).getBytes(StandardCharsets.UTF_8))), Caller.NONE).id();
            String running = jobs.create(JobCreateParams.of(MODEL, file), Caller.NONE).id();
            await(jobs, running, JobStatus.RUNNING);
            steps.steps.release(1);
            Mka1Fixture.await(() -> events(jobs, running).stream().anyMatch(e -> e.message().startsWith("Step 1/")), () -> "step 1");

            store.full = true;
            List<String> before = jobs.list(new JobListParams(100, null, java.util.Map.of(), false), Caller.NONE).data()
                    .stream().map(FineTuningJob::id).toList();
            assertThatThrownBy(() -> jobs.create(JobCreateParams.of(MODEL, file), Caller.NONE))
                    .isInstanceOfSatisfying(InsufficientStorageException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(507);
                        assertThat(e.code()).isEqualTo("insufficient_storage");
                    });
            assertThat(jobs.list(new JobListParams(100, null, java.util.Map.of(), false), Caller.NONE).data())
                    .extracting(FineTuningJob::id).isEqualTo(before); // no phantom job
            int eventsBefore = events(jobs, running).size();
            assertThatThrownBy(() -> jobs.pause(running, Caller.NONE)).isInstanceOf(InsufficientStorageException.class);
            assertThatThrownBy(() -> jobs.cancel(running, Caller.NONE)).isInstanceOf(InsufficientStorageException.class);
            steps.steps.release(3); // steps run, but cannot be recorded
            Thread.sleep(300);
            assertThat(jobs.retrieve(running, Caller.NONE).status()).isEqualTo(JobStatus.RUNNING);
            assertThat(jobs.retrieve(running, Caller.NONE).error()).isNull();
            assertThat(events(jobs, running)).hasSize(eventsBefore);

            store.full = false; // space freed: the job continues from its saved state and finishes
            steps.unlimited();
            FineTuningJob done = await(jobs, running, JobStatus.SUCCEEDED);
            assertThat(done.error()).isNull();
            List<Integer> stepsRecorded = events(jobs, running).stream().filter(e -> e.message().startsWith("Step "))
                    .map(e -> Integer.parseInt(e.message().substring(5, e.message().indexOf('/')))).toList();
            assertThat(stepsRecorded).doesNotHaveDuplicates();
        }
    }

    private static List<JobEvent> events(JobManager jobs, String id) {
        return jobs.listEvents(id, new PageParams(100, null), Caller.NONE).data();
    }

    private static FineTuningJob await(JobManager jobs, String jobId, JobStatus status) {
        Mka1Fixture.await(() -> jobs.retrieve(jobId, Caller.NONE).status() == status,
                () -> jobId + " to be " + status.wireName() + " but it is " + jobs.retrieve(jobId, Caller.NONE).status().wireName());
        return jobs.retrieve(jobId, Caller.NONE);
    }
}
