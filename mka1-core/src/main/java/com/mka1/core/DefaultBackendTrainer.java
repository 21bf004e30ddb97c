package com.mka1.core;

import com.mka1.core.train.Trainer;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingRun;
import com.mka1.core.train.TrainingSettings;

/** Gives jobs that name no compute backend the engine's default one ({@link EmbeddedMka1.Builder#backend}). */
record DefaultBackendTrainer(Trainer trainer, String backend) implements Trainer {
    @Override
    public TrainingResult train(TrainingRun run, TrainingListener listener) throws TrainingFailedException {
        TrainingSettings s = run.settings();
        if (s.backend() != null) {
            return trainer.train(run, listener);
        }
        TrainingSettings withBackend = new TrainingSettings(s.nEpochs(), s.batchSize(), s.learningRateMultiplier(),
                s.beta(), s.fullFineTune(), s.loraRank(), s.loraAlpha(), s.loraDropout(), s.loraTargets(),
                s.warmupRatio(), s.lrScheduler(), s.maxSeqLength(), backend);
        return trainer.train(new TrainingRun(run.jobId(), run.baseModelId(), run.baseModelDir(), run.trainingFile(),
                run.validationFile(), run.method(), withBackend, run.seed(), run.stateDir(), run.outputDir()), listener);
    }
}
