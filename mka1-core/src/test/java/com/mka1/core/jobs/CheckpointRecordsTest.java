package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.PageParams;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.awaitStatus;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;

/** A job keeps one checkpoint per step, and only checkpoints whose directory the trainer kept are registered models. */
class CheckpointRecordsTest {
    private static final String FT = "ft:" + MODEL + ":c";

    @TempDir
    Path root;

    private static List<String> messages(EmbeddedMka1 mka1, String jobId) {
        return mka1.fineTuning().listEvents(jobId, new PageParams(100, null)).data().reversed().stream()
                .map(JobEvent::message).toList();
    }

    private static List<Integer> checkpointSteps(EmbeddedMka1 mka1, String jobId) {
        return mka1.fineTuning().listCheckpoints(jobId, new PageParams(100, null)).data().stream()
                .map(Checkpoint::stepNumber).toList();
    }

    @Test
    void aCheckpointWrittenAgainAfterACrashIsRecordedOnce() {
        Mka1Fixture fixture = new Mka1Fixture(root);
        StepTrainer first = new StepTrainer(2);
        first.resumeBeforeLastCheckpoint = true; // the state on disk predates the step-2 checkpoint
        String jobId;
        try (EmbeddedMka1 mka1 = fixture.open(first, TokenCounter.APPROXIMATE, 1, 100)) {
            jobId = mka1.fineTuning().create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(4)).id())
                    .withSuffix("c")).id(); // 6 steps
            awaitStatus(mka1, Caller.NONE, jobId, JobStatus.RUNNING);
            first.steps.release(3);
            Mka1Fixture.await(() -> messages(mka1, jobId).getLast().startsWith("Step 3/6"), () -> "step 3");
            assertThat(checkpointSteps(mka1, jobId)).containsExactly(2);
        } // the run stops with state at step 1: the next one writes the step-2 checkpoint again

        StepTrainer second = new StepTrainer(2).unlimited();
        try (EmbeddedMka1 mka1 = fixture.open(second)) {
            FineTuningJob done = awaitStatus(mka1, Caller.NONE, jobId, JobStatus.SUCCEEDED);
            assertThat(second.plans).extracting(p -> p.startStep()).containsExactly(1);
            assertThat(checkpointSteps(mka1, jobId)).containsExactly(6, 4, 2);
            assertThat(messages(mka1, jobId)).filteredOn(m -> m.startsWith("Checkpoint created")).containsExactly(
                    "Checkpoint created at step 2", "Checkpoint created at step 4", "Checkpoint created at step 6");
            assertThat(Mka1Fixture.registry(root).list()).extracting(RegisteredModel::id).filteredOn(id -> id.startsWith("ft:"))
                    .containsExactly(FT + ":ckpt-step-2", FT + ":ckpt-step-4", FT + ":ckpt-step-6", done.fineTunedModel());
        }
    }

    @Test
    void checkpointsTheTrainerPrunedLeaveTheRegistryButKeepTheirMetrics() {
        Mka1Fixture fixture = new Mka1Fixture(root);
        StepTrainer trainer = new StepTrainer(1).unlimited();
        trainer.keepCheckpoints = 3; // as LlamaTrainer: only the newest three directories stay
        try (EmbeddedMka1 mka1 = fixture.open(trainer)) {
            String jobId = mka1.fineTuning().create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(4)).id())
                    .withSuffix("c")).id(); // 6 steps, a checkpoint after each
            awaitStatus(mka1, Caller.NONE, jobId, JobStatus.SUCCEEDED);

            List<Checkpoint> checkpoints = mka1.fineTuning().listCheckpoints(jobId, new PageParams(100, null)).data();
            assertThat(checkpoints).extracting(Checkpoint::stepNumber).containsExactly(6, 5, 4, 3, 2, 1);
            assertThat(checkpoints).extracting(c -> c.metrics().trainLoss())
                    .containsExactly(1 / 6.0, 1 / 5.0, 1 / 4.0, 1 / 3.0, 1 / 2.0, 1.0);
            for (Checkpoint c : checkpoints) {
                var model = Mka1Fixture.registry(root).find(c.fineTunedModelCheckpoint());
                if (c.stepNumber() >= 4) {
                    assertThat(model).as("kept checkpoint %d", c.stepNumber()).isPresent();
                    assertThat(Files.isDirectory(model.get().dir())).isTrue();
                } else {
                    assertThat(model).as("pruned checkpoint %d", c.stepNumber()).isEmpty();
                }
            }
        }
        try (EmbeddedMka1 reopened = fixture.open(new StepTrainer(1))) { // the removal is durable
            assertThat(Mka1Fixture.registry(root).list()).extracting(RegisteredModel::id).filteredOn(id -> id.startsWith("ft:"))
                    .containsExactly(FT + ":ckpt-step-4", FT + ":ckpt-step-5", FT + ":ckpt-step-6", FT);
        }
    }
}
