package com.mka1.core.jobs.store;

import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.JobEvent;

import java.util.List;

/** A job as loaded from the store: its record and its committed events and checkpoints, oldest first. */
public record StoredJob(JobRecord record, List<JobEvent> events, List<Checkpoint> checkpoints) {
    public StoredJob {
        events = List.copyOf(events);
        checkpoints = List.copyOf(checkpoints);
    }
}
