package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.ConflictException;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.Page;
import com.mka1.api.PageParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.CheckpointMetrics;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.FineTuningService;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.json.Json;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.awaitStatus;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobLifecycleTest {
    @TempDir
    Path root;

    private EmbeddedMka1 mka1;

    @AfterEach
    void close() {
        if (mka1 != null) mka1.close();
    }

    private List<String> messagesOldestFirst(FineTuningService ft, String jobId) {
        List<String> oldestFirst = ft.eventsSince(jobId, null).stream().map(JobEvent::message).toList();
        assertThat(oldestFirst).isEqualTo(ft.listEvents(jobId, new PageParams(100, null)).data().reversed().stream()
                .map(JobEvent::message).toList());
        return oldestFirst;
    }

    @Test
    void jobRunsToSucceededWithEventsCheckpointsModelAndResultFile() throws IOException {
        StepTrainer trainer = new StepTrainer(2).unlimited();
        mka1 = new Mka1Fixture(root).open(trainer);
        FineTuningService ft = mka1.fineTuning();
        FileObject file = upload(mka1, Caller.NONE, chatLines(4));
        FineTuningJob created = ft.create(JobCreateParams.of(MODEL, file.id()).withSuffix("support-bot").withSeed(42L)
                .withMethod(new Method.Supervised(Hyperparameters.auto().withNEpochs(HyperparameterValue.of(1))))
                .withMetadata(Map.of("experiment", "v1")));
        assertThat(created.status()).isEqualTo(JobStatus.VALIDATING_FILES);
        assertThat(created.seed()).isEqualTo(42);
        assertThat(created.organizationId()).isEqualTo("org_mka1");

        FineTuningJob done = awaitStatus(mka1, Caller.NONE, created.id(), JobStatus.SUCCEEDED);
        assertThat(done.fineTunedModel()).isEqualTo("ft:meetkai:functionary-medium:support-bot");
        // 4 examples, batch "auto" -> 2: 2 steps; "Question i"/"Answer i" = 18 chars per example
        assertThat(done.hyperparameters()).isEqualTo(new Hyperparameters(HyperparameterValue.of(1), HyperparameterValue.of(2),
                HyperparameterValue.of(1.0), null, null));
        assertThat(done.trainedTokens()).isEqualTo(72);
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.estimatedFinish()).isNull();
        assertThat(done.error()).isNull();
        assertThat(done.userProvidedSuffix()).isEqualTo("support-bot");

        assertThat(messagesOldestFirst(ft, done.id())).containsExactly(
                "Validating training file: " + file.id(),
                "Files validated, moving job to queued state",
                "Fine-tuning job started",
                "Training on 4 examples: 1 epochs, batch size 2, learning rate 0.000100, 2 steps, backend test",
                "Step 1/2: training loss=1.000",
                "Step 2/2: training loss=0.500",
                "Checkpoint created at step 2",
                "New fine-tuned model created",
                "The job has successfully completed");
        String step1 = ft.eventsSince(done.id(), null).stream().filter(e -> e.message().startsWith("Step 1/2")).findFirst()
                .orElseThrow().id();
        assertThat(ft.eventsSince(done.id(), step1)).extracting(JobEvent::message).containsExactly("Step 2/2: training loss=0.500",
                "Checkpoint created at step 2", "New fine-tuned model created", "The job has successfully completed");
        assertThatThrownBy(() -> ft.eventsSince(done.id(), "ftevent_nope")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid 'after': job " + done.id() + " has no event 'ftevent_nope'.");
        JobEvent step2 = ft.listEvents(done.id(), new PageParams(100, null)).data().stream()
                .filter(e -> e.message().startsWith("Step 2/2")).findFirst().orElseThrow();
        assertThat(step2.type()).isEqualTo(EventType.METRICS);
        assertThat(Json.write(Json.VALUE, step2.data())).isEqualTo("{\"step\":2,\"total_steps\":2,\"train_loss\":0.5,"
                + "\"train_mean_token_accuracy\":0.75,\"learning_rate\":0.0001,\"tokens\":8}");

        JobEvent created2 = ft.listEvents(done.id(), PageParams.of(2)).data().getLast();
        assertThat(Json.write(Json.VALUE, created2.data())).isEqualTo("{\"fine_tuned_model\":\"ft:meetkai:functionary-medium:support-bot\"}");

        Page<Checkpoint> checkpoints = ft.listCheckpoints(done.id(), PageParams.FIRST);
        assertThat(checkpoints.data()).hasSize(1);
        Checkpoint c = checkpoints.data().getFirst();
        assertThat(c.fineTunedModelCheckpoint()).isEqualTo("ft:meetkai:functionary-medium:support-bot:ckpt-step-2");
        assertThat(c.metrics()).isEqualTo(new CheckpointMetrics(2, 0.5, 0.75, null, null, null, null));
        assertThat(c.fineTuningJobId()).isEqualTo(done.id());

        RegisteredModel model = Mka1Fixture.registry(root).find(done.fineTunedModel()).orElseThrow();
        assertThat(model.kind()).isEqualTo(ModelKind.FINE_TUNED);
        assertThat(model.dir().getFileName().toString()).isEqualTo("final");
        assertThat(model.baseModel()).isEqualTo(MODEL);
        assertThat(Mka1Fixture.registry(root).find(c.fineTunedModelCheckpoint()).orElseThrow().kind()).isEqualTo(ModelKind.CHECKPOINT);

        assertThat(done.resultFiles()).hasSize(1);
        FileObject result = mka1.files().retrieve(done.resultFiles().getFirst());
        assertThat(result.purpose()).isEqualTo(FilePurpose.FINE_TUNE_RESULTS);
        try (InputStream in = mka1.files().content(result.id())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("""
                    step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy,learning_rate
                    1,1,0.5,,,0.0001
                    2,0.5,0.75,,,0.0001
                    """);
        }
    }

    @Test
    void badTrainingFileFailsTheJobNamingTheLine() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100).unlimited());
        String lines = chatLines(2) + "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n" + chatLines(2);
        FileObject file = upload(mka1, Caller.NONE, lines);
        FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of(MODEL, file.id()));
        FineTuningJob failed = awaitStatus(mka1, Caller.NONE, job.id(), JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo(new JobError("invalid_training_file",
                "Line 3: no assistant message (at least one is required to train on)", "training_file"));
        assertThat(failed.finishedAt()).isNotNull();
        JobEvent last = mka1.fineTuning().listEvents(job.id(), PageParams.FIRST).data().getFirst();
        assertThat(last.level()).isEqualTo(EventLevel.ERROR);
        assertThat(last.message()).isEqualTo("Job failed: Line 3: no assistant message (at least one is required to train on)");
    }

    @Test
    void tooFewExamplesAndTooLongExamplesFail() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100).unlimited());
        FineTuningJob few = mka1.fineTuning().create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(3)).id()));
        assertThat(awaitStatus(mka1, Caller.NONE, few.id(), JobStatus.FAILED).error()).isEqualTo(new JobError(
                "insufficient_examples", "Training file has 3 examples; at least 4 required.", "training_file"));
        String longLine = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(4000)
                + "\"},{\"role\":\"assistant\",\"content\":\"a\"}]}\n";
        FineTuningJob tooLong = mka1.fineTuning().create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(4) + longLine).id()));
        assertThat(awaitStatus(mka1, Caller.NONE, tooLong.id(), JobStatus.FAILED).error()).isEqualTo(new JobError(
                "example_too_long", "Line 5: example has about 1009 tokens, more than the model's context length of 512", "training_file"));
    }

    @Test
    void validationFileAndMethodFormatAreChecked() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100).unlimited());
        FineTuningService ft = mka1.fineTuning();
        String train = upload(mka1, Caller.NONE, chatLines(4)).id();
        String badValidation = upload(mka1, Caller.NONE, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"weight\":1}]}\n").id();
        FineTuningJob withValidation = ft.create(JobCreateParams.of(MODEL, train).withValidationFile(badValidation));
        assertThat(awaitStatus(mka1, Caller.NONE, withValidation.id(), JobStatus.FAILED).error()).isEqualTo(new JobError(
                "invalid_validation_file", "Line 1: messages[0]: 'weight' is only allowed on assistant messages", "validation_file"));
        assertThat(ft.listEvents(withValidation.id(), new PageParams(100, null)).data().getLast().message())
                .isEqualTo("Validating training file: " + train + " and validation file: " + badValidation);

        FineTuningJob dpo = ft.create(JobCreateParams.of(MODEL, train).withMethod(Method.Dpo.auto()));
        assertThat(awaitStatus(mka1, Caller.NONE, dpo.id(), JobStatus.FAILED).error().message()).startsWith(
                "Line 1: 'messages' is the supervised format, but the job's method is dpo");
        assertThat(dpo.hyperparameters().beta()).isEqualTo(HyperparameterValue.auto());
    }

    @Test
    void aMissingSeedIsGenerated() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100));
        FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(4)).id()));
        assertThat(job.seed()).isBetween(0L, (long) Integer.MAX_VALUE);
        assertThat(mka1.fineTuning().cancel(job.id()).seed()).isEqualTo(job.seed());
    }

    @Test
    void trainerFailureFailsTheJob() {
        StepTrainer trainer = new StepTrainer(100).unlimited();
        trainer.failNextRun("Line 1: cannot tokenize");
        mka1 = new Mka1Fixture(root).open(trainer);
        FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(4)).id()));
        assertThat(awaitStatus(mka1, Caller.NONE, job.id(), JobStatus.FAILED).error())
                .isEqualTo(new JobError("invalid_training_file", "Line 1: cannot tokenize", "training_file"));
    }

    @Test
    void fineTunedNamesStayUnique() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100).unlimited());
        String file = upload(mka1, Caller.NONE, chatLines(4)).id();
        FineTuningJob first = mka1.fineTuning().create(JobCreateParams.of(MODEL, file).withSuffix("bot"));
        assertThat(awaitStatus(mka1, Caller.NONE, first.id(), JobStatus.SUCCEEDED).fineTunedModel()).isEqualTo("ft:" + MODEL + ":bot");
        FineTuningJob clash = mka1.fineTuning().create(JobCreateParams.of(MODEL, file).withSuffix("bot"));
        assertThat(awaitStatus(mka1, Caller.NONE, clash.id(), JobStatus.SUCCEEDED).fineTunedModel())
                .isEqualTo("ft:" + MODEL + ":bot:" + clash.id().substring(6, 14));
        FineTuningJob noSuffix = mka1.fineTuning().create(JobCreateParams.of(MODEL, file));
        assertThat(awaitStatus(mka1, Caller.NONE, noSuffix.id(), JobStatus.SUCCEEDED).fineTunedModel())
                .isEqualTo("ft:" + MODEL + ":" + noSuffix.id().substring(6, 14));
        // continuing from a fine-tuned model names the original base
        FineTuningJob again = mka1.fineTuning().create(JobCreateParams.of("ft:" + MODEL + ":bot", file).withSuffix("v2"));
        assertThat(awaitStatus(mka1, Caller.NONE, again.id(), JobStatus.SUCCEEDED).fineTunedModel()).isEqualTo("ft:" + MODEL + ":v2");
    }

    @Test
    void pauseAndResumeARunningJobContinueFromTheSavedStep() {
        StepTrainer trainer = new StepTrainer(100);
        mka1 = new Mka1Fixture(root).open(trainer);
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob job = ft.create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(4)).id())); // 3 epochs x 2 = 6 steps
        awaitStatus(mka1, Caller.NONE, job.id(), JobStatus.RUNNING);
        trainer.steps.release(2);
        Mka1Fixture.await(() -> ft.listEvents(job.id(), PageParams.FIRST).data().getFirst().message().equals("Step 2/6: training loss=0.500"),
                () -> "step 2");
        assertThat(ft.pause(job.id()).status()).isIn(JobStatus.PAUSING, JobStatus.PAUSED);
        awaitStatus(mka1, Caller.NONE, job.id(), JobStatus.PAUSED);
        assertThatThrownBy(() -> ft.pause(job.id())).isInstanceOf(ConflictException.class)
                .hasMessage("Cannot pause job " + job.id() + ": its status is paused.");
        assertThat(ft.resume(job.id()).status()).isIn(JobStatus.QUEUED, JobStatus.RUNNING);
        trainer.steps.release(100);
        awaitStatus(mka1, Caller.NONE, job.id(), JobStatus.SUCCEEDED);
        assertThat(trainer.plans).extracting(p -> p.startStep()).containsExactly(0, 2);
        List<String> messages = messagesOldestFirst(ft, job.id());
        assertThat(messages).containsSubsequence("Step 2/6: training loss=0.500", "Pausing job: stopping at the next step boundary",
                "Job paused", "Job resumed", "Step 3/6: training loss=0.333", "The job has successfully completed");
        assertThat(messages.stream().filter(m -> m.startsWith("Step "))).hasSize(6);
        assertThat(messages).containsOnlyOnce("Fine-tuning job started");
    }

    @Test
    void refusedActionsNameTheStatus() {
        mka1 = new Mka1Fixture(root).open(new StepTrainer(100).unlimited());
        FineTuningService ft = mka1.fineTuning();
        FineTuningJob job = ft.create(JobCreateParams.of(MODEL, upload(mka1, Caller.NONE, chatLines(4)).id()));
        awaitStatus(mka1, Caller.NONE, job.id(), JobStatus.SUCCEEDED);
        for (var action : List.<java.util.function.Function<String, FineTuningJob>>of(ft::cancel, ft::pause, ft::resume)) {
            assertThatThrownBy(() -> action.apply(job.id()))
                    .isInstanceOfSatisfying(ConflictException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(409);
                        assertThat(e.code()).isEqualTo("invalid_job_state");
                    })
                    .hasMessageEndingWith("job " + job.id() + ": its status is succeeded.");
        }
    }
}
