package com.mka1.api.finetuning;

/**
 * Metrics recorded with a checkpoint; validation figures are null without a validation file.
 *
 * @param step                        the step the checkpoint was taken at
 * @param trainLoss                   training loss of that step
 * @param trainMeanTokenAccuracy      training token accuracy of that step
 * @param validLoss                   loss on a batch of the validation file
 * @param validMeanTokenAccuracy      accuracy on a batch of the validation file
 * @param fullValidLoss               loss on the whole validation file
 * @param fullValidMeanTokenAccuracy  accuracy on the whole validation file
 */
public record CheckpointMetrics(int step, Double trainLoss, Double trainMeanTokenAccuracy, Double validLoss,
                                Double validMeanTokenAccuracy, Double fullValidLoss, Double fullValidMeanTokenAccuracy) {}
