package com.mka1.core.train.loop;

import com.mka1.core.model.TrainableWeights;
import com.mka1.core.train.optim.LearningRateSchedule;

/**
 * Everything a training run uses, with every "auto" resolved, made once by
 * {@link HyperparameterResolver} from the requested {@code TrainingSettings}. The trainer trains
 * with it and reports it (as a {@code TrainingPlan}) so the job shows real numbers instead of "auto".
 *
 * @param nEpochs                passes over the training set
 * @param batchSize              examples per optimizer step
 * @param learningRateMultiplier multiplier on {@code baseLearningRate}
 * @param baseLearningRate       2e-4 for LoRA, 2e-5 for full fine-tuning
 * @param beta                   DPO beta (unused by supervised training)
 * @param warmupRatio            fraction of steps with linear warmup
 * @param decay                  decay after warmup
 * @param maxSeqLength           packed row length in tokens
 * @param maxGradNorm            global gradient-norm clip
 * @param weights                which weights train: LoRA (rank, alpha, dropout, targets, init seed) or all of them
 */
public record ResolvedHyperparameters(int nEpochs, int batchSize, double learningRateMultiplier, double baseLearningRate,
                                      double beta, double warmupRatio, LearningRateSchedule.Decay decay,
                                      int maxSeqLength, double maxGradNorm, TrainableWeights weights) {
    /** The same hyperparameters training {@code other} weights. */
    public ResolvedHyperparameters withWeights(TrainableWeights other) {
        return new ResolvedHyperparameters(nEpochs, batchSize, learningRateMultiplier, baseLearningRate, beta, warmupRatio, decay,
                maxSeqLength, maxGradNorm, other);
    }

    /** The peak learning rate: base times multiplier. */
    public double learningRate() {
        return baseLearningRate * learningRateMultiplier;
    }
}
