package com.mka1.core.train;

/**
 * What the trainer resolved before the first step, reported once per (re)start so the job can
 * show the real numbers instead of "auto".
 *
 * @param nEpochs                resolved epochs
 * @param batchSize              resolved examples per optimizer step
 * @param learningRateMultiplier resolved multiplier
 * @param learningRate           the peak learning rate actually used
 * @param totalSteps             optimizer steps of the whole run
 * @param examples               training examples
 * @param tokensPerEpoch         tokens processed per epoch (trained_tokens = tokensPerEpoch * nEpochs)
 * @param startStep              0 for a fresh run, the saved step when resuming
 * @param backend                the compute backend in use, its mode, and why higher-priority ones were skipped
 */
public record TrainingPlan(int nEpochs, int batchSize, double learningRateMultiplier, double learningRate,
                           int totalSteps, int examples, long tokensPerEpoch, int startStep, String backend) {}
