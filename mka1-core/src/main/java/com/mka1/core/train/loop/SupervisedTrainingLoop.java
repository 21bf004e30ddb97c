package com.mka1.core.train.loop;

import com.mka1.core.train.BatchResult;
import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.PackedBatch;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.train.TrainableModel;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingPlan;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.data.BatchBuilder;
import com.mka1.core.train.data.RowPacker;
import com.mka1.core.train.data.SplitMix64;
import com.mka1.core.train.data.TokenizedExample;
import com.mka1.core.train.optim.AdamW;
import com.mka1.core.train.optim.GradientClipping;
import com.mka1.core.train.optim.LearningRateSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervised fine-tuning of a {@link TrainableModel}: each optimizer step takes the next
 * {@code batch_size} examples of the epoch's seeded order, packs them into rows, runs them as
 * micro-batches with {@code gradScale = 1 / trained tokens of the step}, clips the global gradient
 * norm and applies AdamW at the scheduled learning rate. Each epoch ends with a checkpoint; a
 * stop request saves the resumable state at the next step boundary, and a later run on the same
 * state directory continues to the same weights an uninterrupted run reaches.
 */
public final class SupervisedTrainingLoop {
    private static final Logger log = LoggerFactory.getLogger(SupervisedTrainingLoop.class);

    /** The tokenized data of a run; {@code validation} may be empty. */
    public record Data(List<TokenizedExample> training, List<TokenizedExample> validation, int padId) {
        public Data {
            training = List.copyOf(training);
            validation = List.copyOf(validation);
        }
    }

    /** Where a run keeps its state and writes its models. */
    public record Directories(Path stateDir, Path outputDir) {
        public Path checkpoints() {
            return outputDir.resolve("checkpoints");
        }

        public Path finalModel() {
            return outputDir.resolve("model");
        }
    }

    private final TrainableModel model;
    private final Data data;
    private final Hyperparameters hp;
    private final long seed;
    private final Directories dirs;
    private final ModelExporter exporter;
    private final String backendName;
    private final LoopOptions options;
    private final RowPacker packer;
    private final BatchBuilder batches;
    private final int stepsPerEpoch;
    private final int totalSteps;

    public SupervisedTrainingLoop(TrainableModel model, Data data, Hyperparameters hp, long seed, Directories dirs,
                                  ModelExporter exporter, String backendName, LoopOptions options) {
        if (data.training().isEmpty()) throw new IllegalArgumentException("no training examples");
        this.model = model;
        this.data = data;
        this.hp = hp;
        this.seed = seed;
        this.dirs = dirs;
        this.exporter = exporter;
        this.backendName = backendName;
        this.options = options;
        this.packer = new RowPacker(hp.maxSeqLength());
        this.batches = new BatchBuilder(Math.max(1, options.microBatchTokens() / hp.maxSeqLength()), data.padId());
        this.stepsPerEpoch = Math.ceilDiv(data.training().size(), hp.batchSize());
        this.totalSteps = stepsPerEpoch * hp.nEpochs();
    }

    public int totalSteps() {
        return totalSteps;
    }

    /** Tokens of one pass over the training set (trained_tokens = this x epochs). */
    public long tokensPerEpoch() {
        long tokens = 0;
        for (TokenizedExample e : data.training()) tokens += e.length();
        return tokens;
    }

    public TrainingResult run(TrainingListener listener) throws TrainingFailedException {
        LearningRateSchedule schedule = LearningRateSchedule.withWarmupRatio(hp.learningRate(), hp.warmupRatio(), totalSteps, hp.decay());
        TrainingStateStore store = new TrainingStateStore(dirs.stateDir());
        String fingerprint = fingerprint();
        try (AdamW optimizer = new AdamW(model.trainableParameters(), options.optimizer())) {
            LoopState state = new LoopState(0, new SplitMix64(seed).state(), new int[0], fingerprint, Double.NaN, Double.NaN);
            if (store.exists()) {
                state = store.load(optimizer);
                if (!state.fingerprint().equals(fingerprint)) {
                    throw new TrainingFailedException("server_error", null, "saved training state in " + dirs.stateDir()
                            + " belongs to a different run (" + state.fingerprint() + "; now " + fingerprint + ")");
                }
                listener.message("info", "Resuming training from step " + state.step() + "/" + totalSteps);
                log.info("resuming from step {}/{}", state.step(), totalSteps);
            }
            listener.started(new TrainingPlan(hp.nEpochs(), hp.batchSize(), hp.learningRateMultiplier(), hp.learningRate(),
                    totalSteps, data.training().size(), tokensPerEpoch(), state.step(), backendName));
            return new Run(optimizer, schedule, store, state, listener).toEnd();
        } catch (IOException e) {
            throw new TrainingFailedException("server_error", null, "training state or checkpoint I/O failed: " + e.getMessage(), e);
        }
    }

    /** The mutable part of one {@link #run} call. */
    private final class Run {
        private final AdamW optimizer;
        private final LearningRateSchedule schedule;
        private final TrainingStateStore store;
        private final TrainingListener listener;
        private final SplitMix64 rng;
        private int step;
        private int[] order;
        private double lastLoss;
        private double lastAccuracy;
        private long lastSave = System.nanoTime();

        Run(AdamW optimizer, LearningRateSchedule schedule, TrainingStateStore store, LoopState state, TrainingListener listener) {
            this.optimizer = optimizer;
            this.schedule = schedule;
            this.store = store;
            this.listener = listener;
            this.rng = new SplitMix64(state.rngState());
            this.step = state.step();
            this.order = state.epochOrder();
            this.lastLoss = state.lastLoss();
            this.lastAccuracy = state.lastAccuracy();
        }

        TrainingResult toEnd() throws IOException {
            Map<String, Double> fullValid = Map.of();
            while (step < totalSteps) {
                if (listener.stopRequested()) {
                    saveState();
                    listener.message("info", "Training stopped at step " + step + "/" + totalSteps + "; state saved");
                    return new TrainingResult.Stopped(step);
                }
                trainOneStep();
                if (step % stepsPerEpoch == 0) {
                    fullValid = step == totalSteps ? evaluate(data.validation(), "full_valid_") : Map.of();
                    checkpoint(fullValid);
                } else if (System.nanoTime() - lastSave > options.stateSaveInterval().toNanos()) {
                    saveState();
                }
            }
            if (fullValid.isEmpty()) fullValid = evaluate(data.validation(), "full_valid_");
            Path finalDir = dirs.finalModel();
            exportInto(finalDir);
            Map<String, Double> metrics = new LinkedHashMap<>(stepMetrics());
            metrics.putAll(fullValid);
            log.info("training finished after {} steps; model in {}", step, finalDir);
            return new TrainingResult.Completed(finalDir, tokensPerEpoch() * hp.nEpochs(), metrics);
        }

        private void trainOneStep() {
            long started = System.nanoTime();
            int inEpoch = step % stepsPerEpoch;
            if (inEpoch == 0) order = rng.permutation(data.training().size());
            int from = inEpoch * hp.batchSize();
            int to = Math.min(order.length, from + hp.batchSize());
            List<TokenizedExample> examples = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) examples.add(data.training().get(order[i]));
            List<PackedBatch> micro = batches.build(packer.pack(examples));
            long tokens = 0;
            for (PackedBatch b : micro) tokens += b.targetCount();

            model.zeroGradients();
            BatchResult result = BatchResult.EMPTY;
            float gradScale = (float) (1.0 / tokens);
            for (PackedBatch b : micro) {
                result = result.plus(model.forwardBackward(b, gradScale, rng.nextLong()));
            }
            double norm = GradientClipping.clip(optimizer.parameters(), hp.maxGradNorm());
            double lr = schedule.rateAt(step + 1);
            optimizer.step(step + 1, lr);
            step++;
            lastLoss = result.meanLoss();
            lastAccuracy = result.accuracy();
            long millis = (System.nanoTime() - started) / 1_000_000;
            log.debug("step {}/{} loss {} accuracy {} grad norm {} lr {}", step, totalSteps, lastLoss, lastAccuracy, norm, lr);
            listener.step(new StepMetrics(step, totalSteps, lastLoss, lastAccuracy, lr, result.tokens(), millis));
        }

        private void checkpoint(Map<String, Double> fullValid) throws IOException {
            Path dir = dirs.checkpoints().resolve("step-%06d".formatted(step));
            exportInto(dir);
            Map<String, Double> metrics = new LinkedHashMap<>(stepMetrics());
            int validBatch = Math.min(hp.batchSize(), data.validation().size());
            metrics.putAll(evaluate(data.validation().subList(0, validBatch), "valid_"));
            metrics.putAll(fullValid);
            saveState();
            pruneCheckpoints();
            log.info("checkpoint at step {}/{}: {}", step, totalSteps, metrics);
            listener.checkpoint(new CheckpointInfo(step, metrics, dir));
        }

        private Map<String, Double> stepMetrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("step", (double) step);
            if (!Double.isNaN(lastLoss)) {
                m.put("train_loss", lastLoss);
                m.put("train_mean_token_accuracy", lastAccuracy);
            }
            return m;
        }

        private Map<String, Double> evaluate(List<TokenizedExample> examples, String prefix) {
            if (examples.isEmpty()) return Map.of();
            BatchResult total = BatchResult.EMPTY;
            for (PackedBatch b : batches.build(packer.pack(examples))) total = total.plus(model.evaluate(b));
            return Map.of(prefix + "loss", total.meanLoss(), prefix + "mean_token_accuracy", total.accuracy());
        }

        private void saveState() throws IOException {
            store.save(new LoopState(step, rng.state(), order, fingerprint(), lastLoss, lastAccuracy), optimizer);
            lastSave = System.nanoTime();
        }

        private void exportInto(Path dir) throws IOException {
            Path temp = dir.resolveSibling(dir.getFileName() + ".tmp");
            deleteTree(temp);
            Files.createDirectories(temp);
            exporter.export(temp);
            deleteTree(dir);
            Files.move(temp, dir);
            AtomicFiles.syncDirectory(dir.getParent());
        }

        private void pruneCheckpoints() throws IOException {
            List<Path> all;
            try (Stream<Path> s = Files.list(dirs.checkpoints())) {
                all = s.filter(p -> p.getFileName().toString().matches("step-\\d+"))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                        .toList();
            }
            for (int i = 0; i < all.size() - options.keepCheckpoints(); i++) deleteTree(all.get(i));
        }
    }

    /** What a saved state must agree with to be resumed: the resolved settings, seed and data. */
    private String fingerprint() {
        int dataHash = 1;
        for (TokenizedExample e : data.training()) {
            dataHash = 31 * dataHash + Arrays.hashCode(e.ids());
            dataHash = 31 * dataHash + Arrays.hashCode(e.trainable());
        }
        return "seed=" + seed + " examples=" + data.training().size() + " data=" + Integer.toHexString(dataHash)
                + " micro=" + options.microBatchTokens() + " " + hp;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
