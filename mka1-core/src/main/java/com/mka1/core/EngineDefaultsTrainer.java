package com.mka1.core;

import com.mka1.core.train.Trainer;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingRun;
import com.mka1.core.train.TrainingSettings;

/**
 * Gives each job the engine's settings where the job leaves them open: the default compute backend
 * ({@link EmbeddedMka1.Builder#backend}) when it names none, and activation recomputation
 * ({@link EmbeddedMka1.Builder#recomputeActivations}) when it says nothing of it.
 */
record EngineDefaultsTrainer(Trainer trainer, String backend, Boolean recomputeActivations) implements Trainer {
    @Override
    public TrainingResult train(TrainingRun run, TrainingListener listener) throws TrainingFailedException {
        TrainingSettings s = run.settings();
        TrainingSettings filled = s.withEngineDefaults(backend, recomputeActivations);
        if (filled.equals(s)) {
            return trainer.train(run, listener);
        }
        return trainer.train(new TrainingRun(run.jobId(), run.baseModelId(), run.baseModelDir(), run.trainingFile(),
                run.validationFile(), run.method(), filled, run.seed(), run.stateDir(), run.outputDir()), listener);
    }
}
