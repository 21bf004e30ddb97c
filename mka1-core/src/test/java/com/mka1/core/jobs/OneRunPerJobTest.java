package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileUpload;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.files.FileStore;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ConcurrentLinkedQueue;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race ConcurrentJobsTest once hit: a worker takes a queued job's id from the queue, and
 * before it gets the manager's lock the job is paused and resumed, which queues it again. The
 * job must still train in one run at a time (two runs at once ended in illegal transitions).
 */
class OneRunPerJobTest {
    @TempDir
    Path root;

    /** Runs a hook inside the next {@code register}, which the job manager calls holding its lock. */
    private static final class HookedRegistry extends ModelRegistry {
        volatile Runnable beforeNextRegister;

        HookedRegistry(Path modelsDir, Path registryFile) throws IOException {
            super(modelsDir, registryFile);
            load();
        }

        @Override
        public synchronized void register(RegisteredModel model) {
            Runnable hook = beforeNextRegister;
            beforeNextRegister = null;
            if (hook != null) hook.run();
            super.register(model);
        }
    }

    @Test
    void aJobQueuedTwiceWhileAWorkerHoldsItTrainsInOneRunAtATime() throws Exception {
        Mka1Fixture fixture = new Mka1Fixture(root);
        StepTrainer trainer = new StepTrainer(1); // a checkpoint (and so a register call) after every step
        FileStore files = FileStore.open(fixture.dataDir.resolve("files"), 1 << 20, Clock.systemUTC());
        HookedRegistry models = new HookedRegistry(fixture.modelsDir, fixture.dataDir.resolve("models.json"));
        try (JobManager jobs = JobManager.open(fixture.dataDir.resolve("jobs"), files, models, trainer,
                new JobManagerConfig(2, 100, 4, TokenCounter.APPROXIMATE, "org_test", Clock.systemUTC()))) {
            String file = files.upload(new FileUpload("train.jsonl", FilePurpose.FINE_TUNE,
                    new ByteArrayInputStream(chatLines(4).getBytes(StandardCharsets.UTF_8))), Caller.NONE).id();
            String oneStep = jobs.create(JobCreateParams.of(MODEL, file).withMethod(new Method.Supervised(Hyperparameters.auto()
                    .withNEpochs(HyperparameterValue.of(1)).withBatchSize(HyperparameterValue.of(4)))), Caller.NONE).id();
            await(jobs, oneStep, JobStatus.RUNNING); // holds one worker, waiting for its step
            String raced = jobs.create(JobCreateParams.of(MODEL, file), Caller.NONE).id();
            await(jobs, raced, JobStatus.RUNNING); // on the other worker
            jobs.pause(raced, Caller.NONE);
            await(jobs, raced, JobStatus.PAUSED); // the other worker is idle again

            ConcurrentLinkedQueue<Throwable> hookErrors = new ConcurrentLinkedQueue<>();
            models.beforeNextRegister = () -> { // on oneStep's worker, holding the manager's lock
                try {
                    jobs.resume(raced, Caller.NONE); // queued: the idle worker takes the id and waits for the lock
                    awaitWorkerBlockedOnMyLock();
                    jobs.pause(raced, Caller.NONE); // queued -> paused: the id is no longer in the queue to remove
                    jobs.resume(raced, Caller.NONE); // and queued again: a second entry for the same job
                } catch (Throwable e) {
                    hookErrors.add(e);
                }
            };
            trainer.steps.release(1); // oneStep's only step: checkpoint, hook, success; its worker then takes the second entry
            await(jobs, oneStep, JobStatus.SUCCEEDED);
            assertThat(hookErrors).isEmpty();
            await(jobs, raced, JobStatus.RUNNING);
            Thread.sleep(200); // time for the freed worker to start a second run of the job, if it would
            assertThat(trainer.runs).filteredOn(raced::equals).as("runs of the raced job").hasSize(2); // before and after the pause

            trainer.steps.release(1_000);
            FineTuningJob done = await(jobs, raced, JobStatus.SUCCEEDED);
            assertThat(done.error()).isNull();
            assertThat(trainer.runs).filteredOn(raced::equals).hasSize(2);
            assertThat(trainer.runs).filteredOn(oneStep::equals).hasSize(1);
        }
    }

    private static FineTuningJob await(JobManager jobs, String jobId, JobStatus status) {
        Mka1Fixture.await(() -> jobs.retrieve(jobId, Caller.NONE).status() == status,
                () -> jobId + " to be " + status.wireName() + " but it is " + jobs.retrieve(jobId, Caller.NONE).status().wireName());
        return jobs.retrieve(jobId, Caller.NONE);
    }

    /** Waits until another job worker is blocked on a monitor: the ones this thread holds are the only ones it can wait for. */
    private static void awaitWorkerBlockedOnMyLock() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t != Thread.currentThread()
                    && t.getName().startsWith("mka1-job-worker-") && t.getState() == Thread.State.BLOCKED)) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no job worker blocked on the manager's lock");
    }
}
