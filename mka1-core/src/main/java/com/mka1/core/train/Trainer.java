package com.mka1.core.train;

/**
 * Runs one fine-tuning job's training. The job scheduler calls it on a worker thread; the model
 * engine implements it. Implementations are stateless between calls: everything needed to
 * resume lives under {@link TrainingRun#stateDir()}.
 */
public interface Trainer {
    /**
     * Trains, or resumes when {@code run.stateDir()} holds saved state. Returns
     * {@link TrainingResult.Completed} at the end, or {@link TrainingResult.Stopped} when
     * {@link TrainingListener#stopRequested()} answered true at a step boundary (resumable state
     * saved first). Bad input data or an unusable model ends in {@link TrainingFailedException}.
     */
    TrainingResult train(TrainingRun run, TrainingListener listener) throws TrainingFailedException;
}
