package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.ConflictException;
import com.mka1.api.PageParams;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.FineTuningService;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static com.mka1.api.finetuning.JobStatus.*;
import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.awaitStatus;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every action from every status: allowed ones move the job as the spec says, the rest are 409 naming the status. */
class JobTransitionsTest {
    @TempDir
    Path root;

    private EmbeddedMka1 mka1;
    private final CountDownLatch validationGate = new CountDownLatch(1);
    private final StepTrainer trainer = new StepTrainer(100);

    @AfterEach
    void close() {
        validationGate.countDown();
        trainer.deaf = false;
        if (mka1 != null) mka1.close();
    }

    /** Validation counts tokens; blocking the counter holds jobs in validating_files. */
    private void open(boolean holdValidation, int concurrentJobs) {
        TokenCounter counter = text -> {
            if (holdValidation) {
                try {
                    validationGate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return TokenCounter.APPROXIMATE.count(text);
        };
        mka1 = new Mka1Fixture(root).open(trainer, counter, concurrentJobs, 100);
    }

    private FineTuningJob newJob() {
        return mka1.fineTuning().create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(4)).id()));
    }

    private static void assertRefused(Runnable action, String verb, FineTuningJob job, JobStatus status) {
        assertThatThrownBy(action::run).isInstanceOf(ConflictException.class)
                .hasMessage("Cannot " + verb + " job " + job.id() + ": its status is " + status.wireName() + ".");
    }

    private String lastMessage(FineTuningJob job) {
        return mka1.fineTuning().listEvents(job.id(), PageParams.FIRST).data().getFirst().message();
    }

    @Test
    void tableMatchesTheSpec() {
        Set<String> allowed = new java.util.TreeSet<>();
        for (JobStatus from : JobStatus.values()) {
            for (JobStatus to : JobStatus.values()) if (JobTransitions.allowed(from, to)) allowed.add(from.wireName() + ">" + to.wireName());
        }
        assertThat(allowed).containsExactlyInAnyOrder(
                "validating_files>queued", "validating_files>failed", "validating_files>cancelled",
                "queued>running", "queued>paused", "queued>cancelled",
                "running>succeeded", "running>failed", "running>pausing", "running>cancelled",
                "pausing>paused", "pausing>failed", "pausing>cancelled", "pausing>succeeded",
                "paused>queued", "paused>cancelled");
        for (JobStatus terminal : EnumSet.of(SUCCEEDED, FAILED, CANCELLED)) assertThat(terminal.terminal()).isTrue();
    }

    @Test
    void validatingFiles() {
        open(true, 1);
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob job = newJob();
        assertThat(ft.retrieve(job.id()).status()).isEqualTo(VALIDATING_FILES);
        assertRefused(() -> ft.pause(job.id()), "pause", job, VALIDATING_FILES);
        assertRefused(() -> ft.resume(job.id()), "resume", job, VALIDATING_FILES);
        FineTuningJob cancelled = ft.cancel(job.id());
        assertThat(cancelled.status()).isEqualTo(CANCELLED);
        assertThat(cancelled.finishedAt()).isNotNull();
        validationGate.countDown();
        FineTuningJob other = newJob();
        awaitStatus(mka1, Caller.NONE, other.id(), RUNNING); // validation went on without reviving the cancelled job
        assertThat(ft.retrieve(job.id()).status()).isEqualTo(CANCELLED);
        assertThat(lastMessage(job)).isEqualTo("Job cancelled");
    }

    @Test
    void queuedRunningPausingPausedAndCancelled() {
        open(false, 1);
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob running = newJob();
        awaitStatus(mka1, Caller.NONE, running.id(), RUNNING);
        assertRefused(() -> ft.resume(running.id()), "resume", running, RUNNING);

        FineTuningJob queued = newJob(); // the only worker is busy
        awaitStatus(mka1, Caller.NONE, queued.id(), QUEUED);
        assertRefused(() -> ft.resume(queued.id()), "resume", queued, QUEUED);
        assertThat(ft.pause(queued.id()).status()).isEqualTo(PAUSED); // queued -> paused directly
        assertThat(lastMessage(queued)).isEqualTo("Job paused");
        assertRefused(() -> ft.pause(queued.id()), "pause", queued, PAUSED);
        assertThat(ft.resume(queued.id()).status()).isEqualTo(QUEUED);
        assertThat(ft.cancel(queued.id()).status()).isEqualTo(CANCELLED);
        assertRefused(() -> ft.cancel(queued.id()), "cancel", queued, CANCELLED);
        assertRefused(() -> ft.resume(queued.id()), "resume", queued, CANCELLED);

        trainer.deaf = true; // the trainer will not reach a step boundary: the job stays pausing
        assertThat(ft.pause(running.id()).status()).isEqualTo(PAUSING);
        assertRefused(() -> ft.pause(running.id()), "pause", running, PAUSING);
        assertRefused(() -> ft.resume(running.id()), "resume", running, PAUSING);
        trainer.steps.release(1); // lets the trainer reach its boundary check before step 1
        awaitStatus(mka1, Caller.NONE, running.id(), PAUSED);
        assertThat(lastMessage(running)).isEqualTo("Job paused");
        assertThat(ft.cancel(running.id()).status()).isEqualTo(CANCELLED);

        FineTuningJob third = newJob();
        awaitStatus(mka1, Caller.NONE, third.id(), RUNNING);
        assertThat(ft.pause(third.id()).status()).isEqualTo(PAUSING);
        assertThat(ft.cancel(third.id()).status()).isEqualTo(CANCELLED); // from pausing
        trainer.deaf = false;

        FineTuningJob fourth = newJob();
        awaitStatus(mka1, Caller.NONE, fourth.id(), RUNNING);
        FineTuningJob cancelled = ft.cancel(fourth.id()); // from running
        assertThat(cancelled.status()).isEqualTo(CANCELLED);
        trainer.steps.release(100);
        Mka1Fixture.await(() -> trainer.plans.size() == 3, () -> "three runs (the queued job was cancelled before it ran)");
        assertThat(ft.retrieve(fourth.id()).status()).isEqualTo(CANCELLED); // the trainer's late result is ignored
        assertThat(ft.listEvents(fourth.id(), new PageParams(100, null)).data()).extracting(JobEvent::message)
                .filteredOn(m -> m.startsWith("Job ")).containsExactly("Job cancelled");
    }

    @Test
    void aPauseThatArrivesAfterTheLastStepEndsInSucceeded() {
        open(false, 1);
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob job = newJob(); // 6 steps
        awaitStatus(mka1, Caller.NONE, job.id(), RUNNING);
        trainer.steps.release(5);
        Mka1Fixture.await(() -> lastMessage(job).startsWith("Step 5/6"), () -> "step 5");
        assertThat(ft.retrieve(job.id()).estimatedFinish()).isNotNull();
        trainer.deaf = true;
        assertThat(ft.pause(job.id()).status()).isEqualTo(PAUSING);
        trainer.finishDespiteStop = true; // the trainer completes its last step instead of stopping
        trainer.steps.release(1);
        FineTuningJob done = awaitStatus(mka1, Caller.NONE, job.id(), SUCCEEDED);
        assertThat(done.error()).isNull();
        assertThat(done.estimatedFinish()).isNull();
    }

    @Test
    void failedJobsRefuseEverything() {
        open(false, 1);
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob job = ft.create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(1)).id()));
        awaitStatus(mka1, Caller.NONE, job.id(), FAILED);
        assertRefused(() -> ft.cancel(job.id()), "cancel", job, FAILED);
        assertRefused(() -> ft.pause(job.id()), "pause", job, FAILED);
        assertRefused(() -> ft.resume(job.id()), "resume", job, FAILED);
    }
}
