package com.mka1.core.train;

/**
 * Metrics of one optimizer step.
 *
 * @param step          1-based step number
 * @param totalSteps    steps of the whole run
 * @param trainLoss     mean cross-entropy over the step's trained tokens
 * @param trainAccuracy mean token accuracy over the step's trained tokens
 * @param learningRate  the learning rate used at this step
 * @param tokens        trained (loss-carrying) tokens in this step
 * @param elapsedMillis wall time of this step
 */
public record StepMetrics(int step, int totalSteps, double trainLoss, double trainAccuracy,
                          double learningRate, long tokens, long elapsedMillis) {}
