package com.mka1.core.train;

/** Callbacks from a running {@link Trainer}, on the training thread. Implementations must be quick. */
public interface TrainingListener {
    /** Settings resolved; called once per (re)start before the first step. */
    void started(TrainingPlan plan);

    /** One optimizer step finished. */
    void step(StepMetrics metrics);

    /** A checkpoint was written. */
    void checkpoint(CheckpointInfo checkpoint);

    /** A human-readable note for the job's events ("info", "warn" or "error"). */
    void message(String level, String text);

    /** Polled at every step boundary: true to stop now (pause or cancel). */
    boolean stopRequested();
}
