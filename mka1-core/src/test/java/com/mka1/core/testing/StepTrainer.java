package com.mka1.core.testing;

import com.mka1.core.data.ChatExample;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.data.InvalidExampleException;
import com.mka1.core.data.JsonlExamples;
import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.train.Trainer;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingPlan;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A test-scope {@link Trainer} that does everything a real one does except the math: reads the
 * training file, resolves "auto" (3 epochs, batch 2), runs one step per batch with a
 * deterministic loss (1/step), writes a checkpoint directory every {@code checkpointEvery}
 * steps, saves its step to {@code stateDir} when asked to stop and resumes from it. Steps wait
 * for permits from {@link #steps} so tests decide exactly how far a job gets.
 */
public final class StepTrainer implements Trainer {
    /** One permit per step; {@link #unlimited()} releases enough for any test. */
    public final Semaphore steps = new Semaphore(0);
    /** Every plan reported, in order (startStep shows resumes). */
    public final List<TrainingPlan> plans = new CopyOnWriteArrayList<>();
    private final int checkpointEvery;
    private volatile String failWith;
    /** While true, a trainer waiting for a permit does not look at stop requests (holds a job in "pausing"). */
    public volatile boolean deaf;
    /** While true, stop requests are ignored after a permit is taken (a trainer finishing its last step). */
    public volatile boolean finishDespiteStop;
    /** When true, a stop saves the last checkpoint's step (as real trainers do), so resumed runs replay steps. */
    public volatile boolean resumeFromLastCheckpoint;
    /**
     * When true, a stop saves the step before the last checkpoint (a crash between writing a
     * checkpoint and saving the state), so a resumed run writes that checkpoint again.
     */
    public volatile boolean resumeBeforeLastCheckpoint;
    /** When positive, only the newest this many checkpoint directories stay on disk (as LlamaTrainer keeps three). */
    public volatile int keepCheckpoints;
    /** The job id of every run started, in order. */
    public final List<String> runs = new CopyOnWriteArrayList<>();

    public StepTrainer(int checkpointEvery) {
        this.checkpointEvery = checkpointEvery;
    }

    public StepTrainer unlimited() {
        steps.release(1_000_000);
        return this;
    }

    /** The next run fails with this message (code invalid_training_file). */
    public void failNextRun(String message) {
        failWith = message;
    }

    public static double lossAt(int step) {
        return 1.0 / step;
    }

    @Override
    public TrainingResult train(TrainingRun run, TrainingListener listener) throws TrainingFailedException {
        try {
            if (failWith != null) {
                String m = failWith;
                failWith = null;
                throw new TrainingFailedException("invalid_training_file", "training_file", m);
            }
            runs.add(run.jobId());
            List<ChatExample> examples = JsonlExamples.readChat(run.trainingFile());
            int epochs = run.settings().nEpochs() != null ? run.settings().nEpochs() : 3;
            int batch = run.settings().batchSize() != null ? run.settings().batchSize() : 2;
            double lrm = run.settings().learningRateMultiplier() != null ? run.settings().learningRateMultiplier() : 1.0;
            int stepsPerEpoch = (examples.size() + batch - 1) / batch;
            int total = epochs * stepsPerEpoch;
            long tokensPerEpoch = examples.stream().flatMap(e -> e.messages().stream())
                    .mapToLong(m -> m.content().length()).sum();
            Path stateFile = run.stateDir().resolve("step");
            int start = Files.exists(stateFile) ? Integer.parseInt(Files.readString(stateFile)) : 0;
            TrainingPlan plan = new TrainingPlan(epochs, batch, lrm, 1e-4 * lrm, total, examples.size(), tokensPerEpoch, start, "test");
            plans.add(plan);
            listener.started(plan);
            for (int step = start + 1; step <= total; step++) {
                while (!steps.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                    // stop request first, deafness second: a test sets deaf before it pauses, so a request seen
                    // here is always followed by the deafness it came after (the other order races)
                    if (listener.stopRequested() && !deaf) return stop(stateFile, saved(step - 1));
                }
                if (!finishDespiteStop && listener.stopRequested()) {
                    steps.release();
                    return stop(stateFile, saved(step - 1));
                }
                long trained = examples.get((step - 1) % examples.size()).messages().stream()
                        .filter(ChatMessage::trainable).mapToLong(m -> m.content().length()).sum();
                listener.step(new StepMetrics(step, total, lossAt(step), 1 - lossAt(step) / 2, 1e-4 * lrm, trained, 1));
                if (step % checkpointEvery == 0) {
                    Path dir = Files.createDirectories(run.outputDir().resolve("ckpt-step-" + step));
                    Files.writeString(dir.resolve("adapter_config.json"), "{\"step\": " + step + "}");
                    if (keepCheckpoints > 0) prune(run.outputDir(), step - keepCheckpoints * checkpointEvery);
                    listener.checkpoint(new CheckpointInfo(step, Map.of("step", (double) step, "train_loss", lossAt(step),
                            "train_mean_token_accuracy", 1 - lossAt(step) / 2), dir));
                }
            }
            Path finalDir = Files.createDirectories(run.outputDir().resolve("final"));
            Files.writeString(finalDir.resolve("adapter_config.json"), "{}");
            return new TrainingResult.Completed(finalDir, tokensPerEpoch * epochs, Map.of("train_loss", lossAt(total)));
        } catch (IOException e) {
            throw new TrainingFailedException("server_error", null, e.getMessage(), e);
        } catch (InvalidExampleException e) {
            throw new TrainingFailedException("invalid_training_file", "training_file", e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingFailedException("server_error", null, "interrupted", e);
        }
    }

    private int saved(int lastDone) {
        if (resumeBeforeLastCheckpoint) return Math.max(0, lastDone / checkpointEvery * checkpointEvery - 1);
        return resumeFromLastCheckpoint ? lastDone / checkpointEvery * checkpointEvery : lastDone;
    }

    /** Deletes the checkpoint directories of steps up to {@code lastDropped}. */
    private void prune(Path outputDir, int lastDropped) throws IOException {
        for (int step = checkpointEvery; step <= lastDropped; step += checkpointEvery) {
            Path dir = outputDir.resolve("ckpt-step-" + step);
            Files.deleteIfExists(dir.resolve("adapter_config.json"));
            Files.deleteIfExists(dir);
        }
    }

    private static TrainingResult stop(Path stateFile, int step) throws IOException {
        Files.writeString(stateFile, Integer.toString(step));
        return new TrainingResult.Stopped(step);
    }
}
