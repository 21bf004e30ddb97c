package com.mka1.core.train.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.mka1.core.model.Parameter;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.data.PreferencePair;
import com.mka1.core.train.data.SplitMix64;
import com.mka1.core.train.data.TokenizedExample;
import com.mka1.core.train.optim.AdamW;
import com.mka1.core.train.optim.LearningRateSchedule.Decay;
import com.mka1.core.train.testing.BigramModel;
import com.mka1.core.compute.ReferenceBackend;
import com.mka1.spi.BackendOptions;
import com.mka1.core.train.testing.RecordingListener;
import com.mka1.spi.ComputeDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpoObjectiveTest {
    private static final int VOCAB = 8;
    private final ComputeDevice device = new ReferenceBackend().open(BackendOptions.defaults());
    @TempDir
    Path tmp;

    /** Prompt [p, p+1], chosen reply follows t -> t+1, rejected reply follows t -> t+3 (mod 8). */
    static List<PreferencePair> pairs(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<PreferencePair> out = new ArrayList<>();
        for (int line = 1; line <= count; line++) {
            int p = r.nextInt(VOCAB);
            out.add(new PreferencePair(reply(p, 1, line), reply(p, 3, line), line));
        }
        return out;
    }

    private static TokenizedExample reply(int p, int stride, int line) {
        int[] ids = new int[6];
        boolean[] trainable = new boolean[6];
        ids[0] = p;
        ids[1] = (p + 1) % VOCAB;
        for (int i = 2; i < 6; i++) {
            ids[i] = (ids[i - 1] + stride) % VOCAB;
            trainable[i] = true;
        }
        return new TokenizedExample(ids, trainable, line);
    }

    @Test
    void pairLossIsMinusLogSigmoidOfTheScaledMargin() {
        // margin = (-1 - -2) - (-3 - -2.5) = 1.5; beta 0.5 -> -log sigmoid(0.75)
        assertThat(DpoObjective.pairLoss(0.5, -1, -2, -3, -2.5)).isCloseTo(Math.log1p(Math.exp(-0.75)), within(1e-15));
        assertThat(DpoObjective.pairLoss(0.1, -1, -1, -2, -2)).isCloseTo(Math.log(2), within(1e-15));
    }

    @Test
    void gradientMatchesFiniteDifferencesOfTheLoss() throws Exception {
        List<PreferencePair> data = pairs(4, 3);
        try (BigramModel model = new BigramModel(device, VOCAB, 11, 0.0)) {
            DpoObjective objective = new DpoObjective(data, data, 0.5, 0);
            objective.prepare(model, tmp);
            // move away from the reference so margins are not zero
            Parameter table = model.trainableParameters().getFirst();
            float[] w = device.download(table.value());
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < w.length; i++) w[i] += (float) r.nextDouble(-0.3, 0.3);
            device.copyFromHost(w, 0, table.value(), 0, w.length);

            model.zeroGradients();
            List<Integer> all = IntStream.range(0, data.size()).boxed().toList();
            objective.accumulateGradients(model, all, new SplitMix64(1));
            float[] grad = device.download(table.gradient());
            int[] probes = {1 * VOCAB + 2, 2 * VOCAB + 3, 2 * VOCAB + 5, 5 * VOCAB + 6};
            for (int index : probes) {
                float h = 1e-2f;
                float saved = w[index];
                w[index] = saved + h;
                device.copyFromHost(w, 0, table.value(), 0, w.length);
                double plus = objective.evaluate(model, data.size()).loss();
                w[index] = saved - h;
                device.copyFromHost(w, 0, table.value(), 0, w.length);
                double minus = objective.evaluate(model, data.size()).loss();
                w[index] = saved;
                device.copyFromHost(w, 0, table.value(), 0, w.length);
                double numeric = (plus - minus) / (2 * h);
                assertThat((double) grad[index]).as("d loss / d table[%d]", index).isCloseTo(numeric, within(2e-3 + 1e-2 * Math.abs(numeric)));
            }
            assertThat(IntStream.of(probes).mapToDouble(i -> Math.abs(grad[i])).max().orElseThrow()).isGreaterThan(1e-3);
        }
    }

    @Test
    void trainingPrefersTheChosenRepliesAndResumesWithTheSavedReference() throws Exception {
        ResolvedHyperparameters hp = new ResolvedHyperparameters(3, 4, 1.0, 0.1, 0.5, 0.0, Decay.LINEAR, 16, 1.0, new TrainableWeights.Full());
        LoopOptions options = new LoopOptions(Duration.ofHours(1), 3, AdamW.Config.defaults());
        List<PreferencePair> train = pairs(12, 1);
        List<PreferencePair> valid = pairs(4, 2);
        float[] uninterrupted;
        RecordingListener all = new RecordingListener(-1);
        try (BigramModel model = new BigramModel(device, VOCAB, 11, 0.0)) {
            TrainingLoop loop = new TrainingLoop(model, new DpoObjective(train, valid, 0.5, 0), hp, 9,
                    new TrainingLoop.Directories(tmp.resolve("a/state"), tmp.resolve("a/out")), model::export, "reference", options);
            loop.run(all);
            uninterrupted = model.weights();
        }
        var first = all.checkpoints.getFirst().metrics();
        var last = all.checkpoints.getLast().metrics();
        assertThat(last.get("valid_loss")).isLessThan(first.get("valid_loss"));
        assertThat(first.get("valid_loss")).isLessThan(Math.log(2));
        assertThat(last.get("full_valid_mean_token_accuracy")).isEqualTo(1.0);
        assertThat(all.steps.getFirst().trainLoss()).isCloseTo(Math.log(2), within(1e-6)); // policy == reference at step 1

        try (BigramModel model = new BigramModel(device, VOCAB, 11, 0.0)) {
            TrainingLoop loop = new TrainingLoop(model, new DpoObjective(train, valid, 0.5, 0), hp, 9,
                    new TrainingLoop.Directories(tmp.resolve("b/state"), tmp.resolve("b/out")), model::export, "reference", options);
            assertThat(loop.run(new RecordingListener(4))).isEqualTo(new TrainingResult.Stopped(4));
        }
        assertThat(Files.exists(tmp.resolve("b/state").resolve(DpoObjective.REFERENCE_FILE))).isTrue();
        try (BigramModel model = new BigramModel(device, VOCAB, 11, 0.0)) {
            TrainingLoop loop = new TrainingLoop(model, new DpoObjective(train, valid, 0.5, 0), hp, 9,
                    new TrainingLoop.Directories(tmp.resolve("b/state"), tmp.resolve("b/out")), model::export, "reference", options);
            loop.run(new RecordingListener(-1));
            assertThat(model.weights()).isEqualTo(uninterrupted);
        }
    }
}
