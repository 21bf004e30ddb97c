package com.mka1.core.jobs;

import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.CheckpointMetrics;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.core.storage.Ids;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.train.CheckpointInfo;
import com.mka1.core.train.StepMetrics;
import com.mka1.core.train.TrainingListener;
import com.mka1.core.train.TrainingPlan;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Records one training run in its job: resolved hyperparameters, a metrics event per step,
 * checkpoints (registered as models), trainer messages, and estimated_finish. Callbacks for a
 * job that became terminal (a cancel raced the trainer) are ignored, and steps a resumed run
 * replays are not recorded twice.
 */
final class TrainingProgress implements TrainingListener {
    private final JobLedger ledger;
    private final String jobId;
    private final String reservedModel;
    private final ModelRegistry models;
    private final String organizationId;
    private final String weightsModel;
    private final BooleanSupplier shuttingDown;
    /** Called after each checkpoint (the trainer saved its state just before): shares it with other servers. */
    private final Runnable stateSaved;

    /** @param weightsModel the model whose weights the checkpoints sit on (recorded as their base model) */
    TrainingProgress(JobLedger ledger, JobLedger.Claim claim, ModelRegistry models, String organizationId, String weightsModel,
                     BooleanSupplier shuttingDown, Runnable stateSaved) {
        this.stateSaved = stateSaved;
        this.ledger = ledger;
        this.jobId = claim.job().id();
        this.reservedModel = claim.reservedModel();
        this.models = models;
        this.organizationId = organizationId;
        this.weightsModel = weightsModel;
        this.shuttingDown = shuttingDown;
    }

    @Override
    public void started(TrainingPlan plan) {
        FineTuningJob job = ledger.get(jobId);
        ledger.planned(jobId, job.method().withHyperparameters(TrainingSettingsMapper.resolved(job.hyperparameters(), plan)),
                plan.tokensPerEpoch() * plan.nEpochs(), plan.totalSteps(), plan.startStep() != 0 ? null : String.format(Locale.ROOT,
                        "Training on %d examples: %d epochs, batch size %d, learning rate %.3g, %d steps, backend %s",
                        plan.examples(), plan.nEpochs(), plan.batchSize(), plan.learningRate(), plan.totalSteps(), plan.backend()));
    }

    @Override
    public void step(StepMetrics m) {
        Map<String, JsonValue> data = new LinkedHashMap<>();
        data.put("step", JsonValue.Num.of(m.step()));
        data.put("total_steps", JsonValue.Num.of(m.totalSteps()));
        data.put("train_loss", number(m.trainLoss()));
        data.put("train_mean_token_accuracy", number(m.trainAccuracy()));
        data.put("learning_rate", number(m.learningRate()));
        data.put("tokens", JsonValue.Num.of(m.tokens()));
        ledger.step(jobId, m.step(), m.totalSteps(), String.format(Locale.ROOT, "Step %d/%d: training loss=%.3f",
                m.step(), m.totalSteps(), m.trainLoss()), new JsonValue.Obj(data));
    }

    @Override
    public void checkpoint(CheckpointInfo info) {
        unregisterPrunedCheckpoints();
        String modelId = reservedModel + ":ckpt-step-" + info.step();
        Map<String, Double> mt = info.metrics();
        Checkpoint checkpoint = new Checkpoint(Ids.newId("ftckpt"), ledger.now(), modelId, jobId, info.step(),
                new CheckpointMetrics(info.step(), mt.get("train_loss"), mt.get("train_mean_token_accuracy"),
                        mt.get("valid_loss"), mt.get("valid_mean_token_accuracy"), mt.get("full_valid_loss"),
                        mt.get("full_valid_mean_token_accuracy")));
        // Recorded first, then registered: a crash between leaves a listed checkpoint whose model the next run registers.
        if (ledger.checkpoint(jobId, checkpoint) || ledger.checkpointsOf(jobId).stream().anyMatch(c -> c.stepNumber() == info.step())) {
            if (!models.exists(modelId)) {
                models.register(new RegisteredModel(modelId, info.modelDir(), ledger.now(), organizationId,
                        ModelKind.CHECKPOINT, weightsModel, jobId));
            }
        }
        stateSaved.run();
    }

    /**
     * The trainer keeps only its last few checkpoint directories: a checkpoint whose directory is
     * gone stays listed with its metrics, but its model leaves the registry. Checkpoints an earlier
     * run registered on another server are not this run's to prune (their copies are shared).
     */
    private void unregisterPrunedCheckpoints() {
        for (Checkpoint c : ledger.checkpointsOf(jobId)) {
            models.registeredHere(c.fineTunedModelCheckpoint())
                    .filter(m -> m.kind() == ModelKind.CHECKPOINT && !Files.isDirectory(m.dir()))
                    .ifPresent(m -> models.unregister(m.id()));
        }
    }

    @Override
    public void message(String level, String text) {
        ledger.message(jobId, EventLevel.fromWire(level), text);
    }

    @Override
    public boolean stopRequested() {
        return ledger.stopRequested(jobId) || shuttingDown.getAsBoolean();
    }

    private static JsonValue number(double v) {
        return Double.isFinite(v) ? JsonValue.Num.of(v) : JsonValue.Null.INSTANCE;
    }
}
