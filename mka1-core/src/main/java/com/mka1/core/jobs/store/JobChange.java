package com.mka1.core.jobs.store;

import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.JobEvent;

import java.util.List;
import java.util.Objects;

/**
 * One atomic change of a job: its next record, the events it appends (numbered from
 * {@code previous.eventCount()}) and at most one new checkpoint. A store applies all of it or
 * none; the next record's version is one past the one it replaces.
 *
 * @param previous   the committed record being replaced, or null for a new job
 * @param next       the record after the change ({@link JobRecord#committed} of the working copy)
 * @param events     events appended, in order
 * @param checkpoint a checkpoint recorded by this change, or null
 */
public record JobChange(JobRecord previous, JobRecord next, List<JobEvent> events, Checkpoint checkpoint) {
    public JobChange {
        Objects.requireNonNull(next, "next");
        events = List.copyOf(events);
        long expected = previous == null ? 0 : previous.version();
        if (next.version() != expected + 1) {
            throw new IllegalArgumentException("version " + next.version() + " does not follow " + expected);
        }
    }

    /**
     * The change that commits {@code working} (the committed record with this change's fields)
     * over {@code committed} (a record of version 0 is a job not yet stored).
     */
    public static JobChange of(JobRecord committed, JobRecord working, List<JobEvent> events, Checkpoint checkpoint) {
        JobRecord next = new JobRecord(working.job(), working.seq(), working.lastStep(), working.totalSteps(),
                working.reservedModel(), committed.eventCount(), committed.checkpointCount(), committed.version())
                .committed(events.size(), checkpoint == null ? 0 : 1);
        return new JobChange(committed.version() == 0 ? null : committed, next, events, checkpoint);
    }

    /** The sequence number of the first appended event. */
    public int firstEventSeq() {
        return previous == null ? 0 : previous.eventCount();
    }
}
