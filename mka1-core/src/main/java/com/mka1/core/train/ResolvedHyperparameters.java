package com.mka1.core.train;

import com.mka1.core.train.optim.LearningRateSchedule;

/**
 * Training hyperparameters with every "auto" resolved.
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
 */
public record ResolvedHyperparameters(int nEpochs, int batchSize, double learningRateMultiplier, double baseLearningRate,
                              double beta, double warmupRatio, LearningRateSchedule.Decay decay,
                              int maxSeqLength, double maxGradNorm) {
    /** The peak learning rate: base times multiplier. */
    public double learningRate() {
        return baseLearningRate * learningRateMultiplier;
    }
}
