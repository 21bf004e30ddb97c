package com.mka1.core.train.loop;

import com.mka1.core.storage.AtomicFiles;
import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.model.TrainableModel;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingPlan;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.data.SplitMix64;
import com.mka1.core.train.optim.AdamW;
import com.mka1.core.train.optim.GradientClipping;
import com.mka1.core.train.optim.LearningRateSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimisation loop shared by every {@link Objective}. Each epoch draws a seeded order of the
 * training items; each optimizer step hands the next {@code batch_size} of them to the objective
 * (which accumulates gradients of the step's mean loss), clips the global gradient norm and
 * applies AdamW at the scheduled learning rate. Each epoch ends with a checkpoint (model export,
 * validation metrics, resumable state; the last {@code keepCheckpoints} stay). A stop request
 * saves the state at the next step boundary, and a later run on the same state directory
 * continues to exactly the weights an uninterrupted run reaches.
 */
public final class TrainingLoop {
    private static final Logger log = LoggerFactory.getLogger(TrainingLoop.class);

    /** Where a run keeps its resumable state and writes its models. */
    public record Directories(Path stateDir, Path outputDir) {
        /** Epoch checkpoints: {@code <output>/checkpoints/step-NNNNNN}. */
        public Path checkpoints() {
            return outputDir.resolve("checkpoints");
        }

        /** The final model: {@code <output>/model}. */
        public Path finalModel() {
            return outputDir.resolve("model");
        }
    }

    private final TrainableModel model;
    private final Objective objective;
    private final ResolvedHyperparameters hp;
    private final long seed;
    private final Directories dirs;
    private final ModelExporter exporter;
    private final String backendName;
    private final LoopOptions options;
    private final int stepsPerEpoch;
    private final int totalSteps;

    public TrainingLoop(TrainableModel model, Objective objective, ResolvedHyperparameters hp, long seed, Directories dirs,
                        ModelExporter exporter, String backendName, LoopOptions options) {
        if (objective.trainingSize() == 0) throw new IllegalArgumentException("no training items");
        this.model = model;
        this.objective = objective;
        this.hp = hp;
        this.seed = seed;
        this.dirs = dirs;
        this.exporter = exporter;
        this.backendName = backendName;
        this.options = options;
        this.stepsPerEpoch = Math.ceilDiv(objective.trainingSize(), hp.batchSize());
        this.totalSteps = stepsPerEpoch * hp.nEpochs();
    }

    public int totalSteps() {
        return totalSteps;
    }

    public TrainingResult run(TrainingListener listener) throws TrainingFailedException {
        LearningRateSchedule schedule = LearningRateSchedule.withWarmupRatio(hp.learningRate(), hp.warmupRatio(), totalSteps, hp.decay());
        TrainingStateStore store = new TrainingStateStore(dirs.stateDir());
        String fingerprint = fingerprint();
        try (AdamW optimizer = new AdamW(model.trainableParameters(), options.optimizer())) {
            objective.prepare(model, dirs.stateDir());
            LoopState state = new LoopState(0, seed, new int[0], fingerprint, Double.NaN, Double.NaN);
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
                    totalSteps, objective.trainingSize(), objective.tokensPerEpoch(), state.step(), backendName));
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
        private final boolean roundToFloat32;

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
            this.roundToFloat32 = Float32Rounding.devices(optimizer).stream().anyMatch(Float32Rounding::needed);
            if (roundToFloat32) Float32Rounding.apply(optimizer);
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
                    fullValid = step == totalSteps ? evaluate(objective.validationSize(), "full_valid_") : Map.of();
                    checkpoint(fullValid);
                } else if (System.nanoTime() - lastSave > options.stateSaveInterval().toNanos()) {
                    saveState();
                }
            }
            if (fullValid.isEmpty()) fullValid = evaluate(objective.validationSize(), "full_valid_");
            Path finalDir = dirs.finalModel();
            exportInto(finalDir);
            Map<String, Double> metrics = new LinkedHashMap<>(stepMetrics());
            metrics.putAll(fullValid);
            log.info("training finished after {} steps; model in {}", step, finalDir);
            return new TrainingResult.Completed(finalDir, objective.tokensPerEpoch() * hp.nEpochs(), metrics);
        }

        private void trainOneStep() {
            long started = System.nanoTime();
            int inEpoch = step % stepsPerEpoch;
            if (inEpoch == 0) order = rng.permutation(objective.trainingSize());
            int from = inEpoch * hp.batchSize();
            int to = Math.min(order.length, from + hp.batchSize());
            List<Integer> items = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) items.add(order[i]);

            model.zeroGradients();
            Objective.Result result = objective.accumulateGradients(model, items, rng);
            double norm = GradientClipping.clip(optimizer.parameters(), hp.maxGradNorm());
            double lr = schedule.rateAt(step + 1);
            optimizer.step(step + 1, lr);
            if (roundToFloat32) Float32Rounding.apply(optimizer);
            step++;
            lastLoss = result.loss();
            lastAccuracy = result.accuracy();
            long millis = (System.nanoTime() - started) / 1_000_000;
            log.debug("step {}/{} loss {} accuracy {} grad norm {} lr {}", step, totalSteps, lastLoss, lastAccuracy, norm, lr);
            listener.step(new StepMetrics(step, totalSteps, lastLoss, lastAccuracy, lr, result.tokens(), millis));
        }

        private void checkpoint(Map<String, Double> fullValid) throws IOException {
            Path dir = dirs.checkpoints().resolve("step-%06d".formatted(step));
            exportInto(dir);
            Map<String, Double> metrics = new LinkedHashMap<>(stepMetrics());
            metrics.putAll(evaluate(Math.min(hp.batchSize(), objective.validationSize()), "valid_"));
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

        private Map<String, Double> evaluate(int count, String prefix) {
            if (count == 0) return Map.of();
            Objective.Result r = objective.evaluate(model, count);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(prefix + "loss", r.loss());
            m.put(prefix + "mean_token_accuracy", r.accuracy());
            return m;
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

    /** What a saved state must agree with to be resumed: seed, settings and data. */
    private String fingerprint() {
        return "seed=" + seed + " " + objective.fingerprint() + " " + hp;
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
