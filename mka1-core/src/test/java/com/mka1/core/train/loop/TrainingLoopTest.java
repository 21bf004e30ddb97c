package com.mka1.core.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingPlan;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.data.TokenizedExample;
import com.mka1.core.train.optim.AdamW;
import com.mka1.core.train.optim.LearningRateSchedule.Decay;
import com.mka1.core.train.testing.BigramModel;
import com.mka1.core.compute.ReferenceBackend;
import com.mka1.spi.BackendOptions;
import com.mka1.core.train.testing.RecordingListener;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.mka1.core.model.TrainableWeights;

class TrainingLoopTest {
    private static final int VOCAB = 16;
    private final ComputeDevice device = new ReferenceBackend().open(BackendOptions.defaults());
    @TempDir
    Path tmp;

    /** Sequences that follow t -> (5t + 3) mod 16 from a random start, trained after the first two tokens. */
    static List<TokenizedExample> examples(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TokenizedExample> out = new ArrayList<>();
        for (int line = 1; line <= count; line++) {
            int length = 4 + r.nextInt(6);
            int[] ids = new int[length];
            boolean[] trainable = new boolean[length];
            ids[0] = r.nextInt(VOCAB);
            for (int i = 1; i < length; i++) {
                ids[i] = (5 * ids[i - 1] + 3) % VOCAB;
                trainable[i] = i >= 2;
            }
            out.add(new TokenizedExample(ids, trainable, line));
        }
        return out;
    }

    private ResolvedHyperparameters hp(int epochs, int batch) {
        return new ResolvedHyperparameters(epochs, batch, 1.0, 0.3, 0.1, 0.1, Decay.LINEAR, 24, 1.0, new TrainableWeights.Full());
    }

    private static final LoopOptions OPTIONS = new LoopOptions(Duration.ofHours(1), 3, AdamW.Config.defaults());

    private TrainingResult run(BigramModel model, ResolvedHyperparameters hp, Path root, RecordingListener listener, int rowsPerBatch)
            throws TrainingFailedException {
        SupervisedObjective objective = new SupervisedObjective(examples(20, 1), examples(6, 2), hp.maxSeqLength(), rowsPerBatch, 0);
        TrainingLoop loop = new TrainingLoop(model, objective, hp, 42, new TrainingLoop.Directories(root.resolve("state"), root.resolve("out")),
                model::export, "reference", OPTIONS);
        return loop.run(listener);
    }

    @Test
    void trainsThroughEveryEpochWithCheckpointsAndLowerLoss() throws Exception {
        RecordingListener listener = new RecordingListener(-1);
        TrainingResult result;
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.0)) {
            result = run(model, hp(4, 4), tmp, listener, 2);
        }
        int tokensPerEpoch = examples(20, 1).stream().mapToInt(TokenizedExample::length).sum();
        assertThat(listener.plans).containsExactly(new TrainingPlan(4, 4, 1.0, 0.3, 20, 20, tokensPerEpoch, 0, "reference"));
        assertThat(listener.steps).extracting(StepMetrics::step).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
        assertThat(listener.steps.getFirst().learningRate()).isCloseTo(0.15, within(1e-12)); // warmup 2 steps
        assertThat(listener.steps.get(1).learningRate()).isCloseTo(0.3, within(1e-12));
        assertThat(listener.steps.getLast().trainLoss()).isLessThan(listener.steps.getFirst().trainLoss() * 0.5);

        assertThat(listener.checkpoints).extracting(CheckpointInfo::step).containsExactly(5, 10, 15, 20);
        CheckpointInfo first = listener.checkpoints.getFirst();
        CheckpointInfo last = listener.checkpoints.getLast();
        assertThat(first.metrics()).containsOnlyKeys("step", "train_loss", "train_mean_token_accuracy", "valid_loss",
                "valid_mean_token_accuracy");
        assertThat(last.metrics()).containsKeys("full_valid_loss", "full_valid_mean_token_accuracy");
        assertThat(last.metrics().get("valid_loss")).isLessThan(first.metrics().get("valid_loss"));
        assertThat(last.metrics().get("full_valid_mean_token_accuracy")).isEqualTo(1.0);

        try (Stream<Path> dirs = Files.list(tmp.resolve("out/checkpoints"))) {
            assertThat(dirs.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("step-000010", "step-000015", "step-000020");
        }
        assertThat(last.modelDir()).isEqualTo(tmp.resolve("out/checkpoints/step-000020"));
        assertThat(Files.readAllBytes(last.modelDir().resolve("weights.bin")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("out/model/weights.bin")));

        TrainingResult.Completed done = (TrainingResult.Completed) result;
        assertThat(done.modelDir()).isEqualTo(tmp.resolve("out/model"));
        assertThat(done.trainedTokens()).isEqualTo(4L * tokensPerEpoch);
        assertThat(done.finalMetrics()).containsEntry("step", 20.0)
                .containsEntry("train_loss", listener.steps.getLast().trainLoss())
                .containsEntry("full_valid_loss", last.metrics().get("full_valid_loss"));
    }

    @Test
    void stopAndResumeReachBitIdenticalWeights() throws Exception {
        ResolvedHyperparameters hp = hp(3, 3); // 7 steps per epoch, 21 steps
        float[] uninterrupted;
        List<StepMetrics> allSteps;
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.25)) {
            RecordingListener listener = new RecordingListener(-1);
            run(model, hp, tmp.resolve("a"), listener, 1);
            uninterrupted = model.weights();
            allSteps = listener.steps;
        }
        for (int stopAt : new int[] {5, 7}) { // mid-epoch and at an epoch boundary
            Path root = tmp.resolve("b" + stopAt);
            RecordingListener first = new RecordingListener(stopAt);
            try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.25)) {
                assertThat(run(model, hp, root, first, 1)).isEqualTo(new TrainingResult.Stopped(stopAt));
            }
            RecordingListener second = new RecordingListener(-1);
            try (BigramModel fresh = new BigramModel(device, VOCAB, 7, 0.25)) {
                assertThat(run(fresh, hp, root, second, 1)).isInstanceOf(TrainingResult.Completed.class);
                assertThat(fresh.weights()).isEqualTo(uninterrupted);
            }
            assertThat(second.plans.getFirst().startStep()).isEqualTo(stopAt);
            assertThat(second.messages).contains("info: Resuming training from step " + stopAt + "/21");
            List<StepMetrics> resumed = new ArrayList<>(first.steps);
            resumed.addAll(second.steps);
            assertThat(resumed).extracting(StepMetrics::trainLoss).containsExactlyElementsOf(
                    allSteps.stream().map(StepMetrics::trainLoss).toList());
        }
    }

    @Test
    void aCrashedRunRestartsFromItsLastSavedStateToTheSameWeights() throws Exception {
        ResolvedHyperparameters hp = hp(2, 3);
        float[] uninterrupted;
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.25)) {
            run(model, hp, tmp.resolve("a"), new RecordingListener(-1), 1);
            uninterrupted = model.weights();
        }
        Path root = tmp.resolve("b");
        LoopOptions saveEveryStep = new LoopOptions(Duration.ZERO, 3, AdamW.Config.defaults());
        RecordingListener crashing = new RecordingListener(-1) {
            @Override
            public void step(StepMetrics metrics) {
                super.step(metrics);
                if (metrics.step() == 9) throw new IllegalStateException("simulated crash");
            }
        };
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.25)) {
            SupervisedObjective objective = new SupervisedObjective(examples(20, 1), examples(6, 2), hp.maxSeqLength(), 1, 0);
            TrainingLoop loop = new TrainingLoop(model, objective, hp, 42,
                    new TrainingLoop.Directories(root.resolve("state"), root.resolve("out")), model::export, "reference", saveEveryStep);
            assertThatThrownBy(() -> loop.run(crashing)).hasMessage("simulated crash");
        }
        RecordingListener restarted = new RecordingListener(-1);
        try (BigramModel fresh = new BigramModel(device, VOCAB, 7, 0.25)) {
            run(fresh, hp, root, restarted, 1);
            assertThat(fresh.weights()).isEqualTo(uninterrupted);
        }
        assertThat(restarted.plans.getFirst().startStep()).isEqualTo(8); // step 9 never reached its save
    }

    @Test
    void microBatchSplitDoesNotChangeTheStep() throws Exception {
        float[] oneRow;
        float[] manyRows;
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.0)) {
            run(model, hp(1, 8), tmp.resolve("one"), new RecordingListener(-1), 1);
            oneRow = model.weights();
        }
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.0)) {
            run(model, hp(1, 8), tmp.resolve("many"), new RecordingListener(-1), 8);
            manyRows = model.weights();
        }
        for (int i = 0; i < oneRow.length; i++) assertThat(manyRows[i]).isCloseTo(oneRow[i], within(1e-5f));
    }

    @Test
    void resumingUnderDifferentSettingsIsRefused() throws Exception {
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.0)) {
            run(model, hp(2, 4), tmp, new RecordingListener(2), 1);
        }
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.0)) {
            assertThatThrownBy(() -> run(model, hp(3, 4), tmp, new RecordingListener(-1), 1))
                    .isInstanceOfSatisfying(TrainingFailedException.class, e -> {
                        assertThat(e.code()).isEqualTo("server_error");
                        assertThat(e.getMessage()).contains("belongs to a different run");
                    });
        }
    }

    @Test
    void resumingAnEndedRunOnlyWritesTheFinalModel() throws Exception, IOException {
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.0)) {
            run(model, hp(1, 10), tmp, new RecordingListener(-1), 1);
        }
        RecordingListener again = new RecordingListener(-1);
        try (BigramModel model = new BigramModel(device, VOCAB, 7, 0.0)) {
            TrainingResult.Completed done = (TrainingResult.Completed) run(model, hp(1, 10), tmp, again, 1);
            assertThat(again.steps).isEmpty();
            assertThat(done.finalMetrics()).containsKeys("step", "train_loss", "full_valid_loss");
        }
    }
}
