package com.mka1.server.testing;

import com.mka1.core.storage.AtomicFiles;
import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.train.Trainer;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingPlan;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A test-scope {@link Trainer} with a known script: {@code totalSteps} steps of {@code stepMillis}
 * each, loss {@code 2/step}, a checkpoint every {@code checkpointEvery} steps, and resumable state
 * (the last finished step) in the run's state directory. The final model is a copy of the base's
 * weights when the base has them (so it can be served), else an empty adapter. It lets the HTTP tests drive the whole
 * job lifecycle in milliseconds; the real trainer is tested in mka1-core.
 */
public final class ScriptedTrainer implements Trainer {
    public static final long TOKENS_PER_STEP = 100;

    private final int totalSteps;
    private final long stepMillis;
    private final int checkpointEvery;

    public ScriptedTrainer(int totalSteps, long stepMillis, int checkpointEvery) {
        this.totalSteps = totalSteps;
        this.stepMillis = stepMillis;
        this.checkpointEvery = checkpointEvery;
    }

    /** Atomically, as a real trainer saves its state: a process killed mid-write leaves the old state. */
    private static void saveState(Path stateFile, int step) throws IOException {
        AtomicFiles.write(stateFile, Integer.toString(step).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static double lossAt(int step) {
        return 2.0 / step;
    }

    @Override
    public TrainingResult train(TrainingRun run, TrainingListener listener) {
        try {
            Path stateFile = run.stateDir().resolve("step");
            int done = Files.exists(stateFile) ? Integer.parseInt(Files.readString(stateFile).strip()) : 0;
            listener.started(new TrainingPlan(1, 1, 1.0, 1e-4, totalSteps, totalSteps, totalSteps * TOKENS_PER_STEP,
                    done, "test"));
            for (int step = done + 1; step <= totalSteps; step++) {
                if (listener.stopRequested()) {
                    saveState(stateFile, step - 1);
                    return new TrainingResult.Stopped(step - 1);
                }
                Thread.sleep(stepMillis);
                listener.step(new StepMetrics(step, totalSteps, lossAt(step), 0.5, 1e-4, TOKENS_PER_STEP, stepMillis));
                saveState(stateFile, step);
                if (step % checkpointEvery == 0 && step < totalSteps) {
                    Path dir = Files.createDirectories(run.outputDir().resolve("checkpoint-" + step));
                    Files.writeString(dir.resolve("adapter_config.json"), "{}");
                    listener.checkpoint(new CheckpointInfo(step, Map.of("step", (double) step,
                            "train_loss", lossAt(step), "train_mean_token_accuracy", 0.5), dir));
                }
            }
            Path model = Files.createDirectories(run.outputDir().resolve("final"));
            if (Files.isRegularFile(run.baseModelDir().resolve("model.safetensors"))) {
                // a base with weights (mka1:tiny): the "fine-tuned" model is its unchanged full copy, so it can answer
                for (String name : new String[] {"config.json", "model.safetensors"}) {
                    Files.copy(run.baseModelDir().resolve(name), model.resolve(name));
                }
            } else {
                Files.writeString(model.resolve("adapter_config.json"), "{}");
            }
            return new TrainingResult.Completed(model, totalSteps * TOKENS_PER_STEP,
                    Map.of("train_loss", lossAt(totalSteps), "train_mean_token_accuracy", 0.5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
