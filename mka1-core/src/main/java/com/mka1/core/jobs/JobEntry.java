package com.mka1.core.jobs;

import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * A job and what the manager keeps beside it. Mutable; every access holds the manager's lock
 * except {@link #stopRequested}, which the training thread polls.
 */
final class JobEntry {
    FineTuningJob job;
    /** Creation order across all jobs (created_at seconds often tie). */
    final long seq;
    /** Highest step whose event was recorded: replayed steps after a restart are not recorded twice. */
    int lastStep;
    int totalSteps;
    /** The fine-tuned model id this job will publish, fixed when it first starts. */
    String reservedModel;
    final List<JobEvent> events = new ArrayList<>();
    final List<Checkpoint> checkpoints = new ArrayList<>();

    /** Pause, cancel or shutdown asked the trainer to stop at the next step boundary. */
    volatile boolean stopRequested;
    /** A worker is running this job's trainer (not stored: no run survives a restart). */
    boolean training;
    /** Wall clock (ms) when the current run started and steps done in it, for estimated_finish. */
    long runStartedMillis;
    int stepsThisRun;

    JobEntry(FineTuningJob job, long seq) {
        this.job = job;
        this.seq = seq;
    }

    String id() {
        return job.id();
    }
}
