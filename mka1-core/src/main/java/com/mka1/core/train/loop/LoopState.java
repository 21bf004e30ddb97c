package com.mka1.core.train.loop;

/**
 * Where a run stands between steps (the tensors are saved beside it).
 *
 * @param step        optimizer steps completed
 * @param rngState    the data-order / dropout generator's state after those steps
 * @param epochOrder  the current epoch's example order (drawn at its first step)
 * @param fingerprint what the run was resolved to (settings, data); a resume must match it
 * @param lastLoss    train loss of the last completed step (NaN before the first)
 * @param lastAccuracy train token accuracy of the last completed step (NaN before the first)
 */
public record LoopState(int step, long rngState, int[] epochOrder, String fingerprint,
                        double lastLoss, double lastAccuracy) {}
