package com.mka1.core.jobs.store;

import com.mka1.api.finetuning.FineTuningJob;

/**
 * One job's durable state as the store holds it. Immutable: every change builds the next record
 * with {@link #version} one higher, and the store commits it only over the version it replaces
 * (compare-and-set, so a store shared by several servers can refuse a lost update).
 *
 * @param job             the job as clients see it
 * @param seq             creation order across all jobs (created_at seconds often tie)
 * @param lastStep        highest step whose metrics event is recorded (a resumed run's replayed steps are not recorded twice)
 * @param totalSteps      the run's planned steps, 0 before training starts
 * @param reservedModel   the fine-tuned model id the job publishes, fixed when it first starts, or null
 * @param eventCount      events committed; the next event's sequence number (events beyond it never committed)
 * @param checkpointCount checkpoints committed
 * @param version         1 for a new job, one more per committed change
 */
public record JobRecord(FineTuningJob job, long seq, int lastStep, int totalSteps, String reservedModel, int eventCount,
                 int checkpointCount, long version) {

    public static JobRecord created(FineTuningJob job, long seq) {
        return new JobRecord(job, seq, 0, 0, null, 0, 0, 0);
    }

    public String id() {
        return job.id();
    }

    public JobRecord withJob(FineTuningJob next) {
        return new JobRecord(next, seq, lastStep, totalSteps, reservedModel, eventCount, checkpointCount, version);
    }

    public JobRecord withSteps(int last, int total) {
        return new JobRecord(job, seq, last, total, reservedModel, eventCount, checkpointCount, version);
    }

    public JobRecord withReservedModel(String model) {
        return new JobRecord(job, seq, lastStep, totalSteps, model, eventCount, checkpointCount, version);
    }

    /** The record as committed with {@code events} and {@code checkpoints} more, one version on. */
    public JobRecord committed(int events, int checkpoints) {
        return new JobRecord(job, seq, lastStep, totalSteps, reservedModel, eventCount + events,
                checkpointCount + checkpoints, version + 1);
    }
}
