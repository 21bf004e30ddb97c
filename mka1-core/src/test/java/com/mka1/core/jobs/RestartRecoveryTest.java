package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.PageParams;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobListParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.awaitStatus;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;

/** Closing mid-job and opening a new instance on the same directory loses nothing and repeats nothing. */
class RestartRecoveryTest {
    @TempDir
    Path root;

    private static List<JobEvent> events(EmbeddedMka1 mka1, String jobId) {
        return mka1.fineTuning().listEvents(jobId, new PageParams(100, null)).data().reversed();
    }

    @Test
    void runningJobResumesAfterRestartWithoutDuplicateEvents() {
        Mka1Fixture fixture = new Mka1Fixture(root);
        StepTrainer first = new StepTrainer(2);
        first.resumeFromLastCheckpoint = true; // the restarted run replays step 3 from the step-2 checkpoint
        FineTuningJob job;
        List<JobEvent> before;
        String paused;
        List<JobEvent> finished;
        try (EmbeddedMka1 mka1 = fixture.open(first, TokenCounter.APPROXIMATE, 1, 100)) {
            String file = upload(mka1, Caller.NONE, chatLines(4)).id();
            job = mka1.fineTuning().create(JobCreateParams.of(MODEL, file).withSuffix("r")); // 6 steps
            awaitStatus(mka1, Caller.NONE, job.id(), JobStatus.RUNNING); // holds the only worker
            paused = mka1.fineTuning().create(JobCreateParams.of(MODEL, file)).id();
            awaitStatus(mka1, Caller.NONE, paused, JobStatus.QUEUED);
            mka1.fineTuning().pause(paused);
            first.steps.release(3);
            Mka1Fixture.await(() -> events(mka1, job.id()).getLast().message().startsWith("Step 3/6"), () -> "step 3");
            before = events(mka1, job.id());
        } // close: the trainer stops at its boundary; the job stays running on disk

        StepTrainer second = new StepTrainer(2).unlimited();
        second.resumeFromLastCheckpoint = true;
        try (EmbeddedMka1 mka1 = fixture.open(second)) {
            FineTuningJob done = awaitStatus(mka1, Caller.NONE, job.id(), JobStatus.SUCCEEDED);
            assertThat(done.fineTunedModel()).isEqualTo("ft:" + MODEL + ":r");
            assertThat(second.plans).extracting(p -> p.startStep()).containsExactly(2);
            List<JobEvent> after = events(mka1, job.id());
            assertThat(after.subList(0, before.size())).isEqualTo(before); // nothing lost or rewritten
            assertThat(after.stream().map(JobEvent::id).distinct()).hasSize(after.size());
            List<String> messages = after.stream().map(JobEvent::message).toList();
            assertThat(messages.stream().filter(m -> m.startsWith("Step "))).containsExactly(
                    "Step 1/6: training loss=1.000", "Step 2/6: training loss=0.500", "Step 3/6: training loss=0.333",
                    "Step 4/6: training loss=0.250", "Step 5/6: training loss=0.200", "Step 6/6: training loss=0.167");
            assertThat(messages).containsOnlyOnce("Job resumed after restart", "Fine-tuning job started",
                    "Checkpoint created at step 2", "The job has successfully completed");
            assertThat(messages.indexOf("Job resumed after restart")).isEqualTo(before.size());
            assertThat(mka1.fineTuning().listCheckpoints(job.id(), PageParams.FIRST).data())
                    .extracting(Checkpoint::stepNumber).containsExactly(6, 4, 2);
            // the paused job stayed paused, and resumes on request
            assertThat(mka1.fineTuning().retrieve(paused).status()).isEqualTo(JobStatus.PAUSED);
            mka1.fineTuning().resume(paused);
            awaitStatus(mka1, Caller.NONE, paused, JobStatus.SUCCEEDED);
            finished = events(mka1, job.id());
        }

        try (EmbeddedMka1 third = fixture.open(new StepTrainer(2))) { // a finished job reloads exactly
            assertThat(events(third, job.id())).isEqualTo(finished);
            assertThat(third.fineTuning().list(JobListParams.ALL).data()).extracting(FineTuningJob::status)
                    .containsOnly(JobStatus.SUCCEEDED);
            assertThat(Mka1Fixture.registry(root).exists("ft:" + MODEL + ":r")).isTrue();
            assertThat(Mka1Fixture.registry(root).exists("ft:" + MODEL + ":r:ckpt-step-4")).isTrue();
        }
    }

    @Test
    void queuedAndValidatingJobsContinueAfterRestart() {
        Mka1Fixture fixture = new Mka1Fixture(root);
        String running, queued;
        try (EmbeddedMka1 mka1 = fixture.open(new StepTrainer(100), com.mka1.core.data.TokenCounter.APPROXIMATE, 1, 100)) {
            String file = upload(mka1, Caller.NONE, chatLines(4)).id();
            running = mka1.fineTuning().create(JobCreateParams.of(MODEL, file)).id();
            awaitStatus(mka1, Caller.NONE, running, JobStatus.RUNNING);
            queued = mka1.fineTuning().create(JobCreateParams.of(MODEL, file)).id();
            awaitStatus(mka1, Caller.NONE, queued, JobStatus.QUEUED);
        }
        try (EmbeddedMka1 mka1 = fixture.open(new StepTrainer(100).unlimited())) {
            awaitStatus(mka1, Caller.NONE, running, JobStatus.SUCCEEDED);
            awaitStatus(mka1, Caller.NONE, queued, JobStatus.SUCCEEDED);
            assertThat(events(mka1, queued)).extracting(JobEvent::message).doesNotContain("Job resumed after restart")
                    .containsOnlyOnce("Fine-tuning job started");
        }
    }
}
