package com.mka1.core.jobs;

import com.mka1.api.Caller;
import com.mka1.api.JsonValue;
import com.mka1.api.NotFoundException;
import com.mka1.api.ServerException;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.storage.Ids;

import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.mka1.api.finetuning.JobStatus.FAILED;
import static com.mka1.api.finetuning.JobStatus.PAUSING;
import static com.mka1.api.finetuning.JobStatus.RUNNING;

/**
 * Every job in memory and the only way to change one: each change is checked against
 * {@link JobTransitions} and written to the {@link JobStore} before anyone can read it. Not
 * thread-safe by itself: callers hold the ledger's monitor ({@code synchronized (ledger)}).
 */
final class JobLedger {
    private final JobStore store;
    private final Clock clock;
    private final Map<String, JobEntry> jobs = new LinkedHashMap<>();
    private long nextSeq;

    JobLedger(JobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    JobStore store() {
        return store;
    }

    /** Loads every stored job (oldest first) and returns them. */
    List<JobEntry> load() throws IOException {
        List<JobEntry> loaded = store.loadAll();
        for (JobEntry e : loaded) {
            jobs.put(e.id(), e);
            nextSeq = Math.max(nextSeq, e.seq + 1);
        }
        return loaded;
    }

    JobEntry get(String id) {
        return jobs.get(id);
    }

    Collection<JobEntry> all() {
        return jobs.values();
    }

    /** The job, if {@code caller} may see it; otherwise 404 (other end users' jobs do not exist for it). */
    JobEntry visible(String jobId, Caller caller) {
        JobEntry e = jobs.get(jobId);
        if (e == null || !caller.canSee(e.job.user())) {
            throw new NotFoundException("No such fine-tuning job: " + jobId, "fine_tuning_job_id", "job_not_found");
        }
        return e;
    }

    /** Records a new job durably. */
    JobEntry add(FineTuningJob job) {
        JobEntry e = new JobEntry(job, nextSeq++);
        jobs.put(job.id(), e);
        save(e);
        return e;
    }

    void setStatus(JobEntry e, JobStatus to) {
        JobTransitions.check(e.id(), e.job.status(), to);
        JobCopy next = new JobCopy(e.job);
        next.status = to;
        if (to != RUNNING && to != PAUSING) next.estimatedFinish = null;
        update(e, next);
    }

    /** Moves to a terminal status, stamping finished_at. */
    void finish(JobEntry e, JobStatus to, JobError error) {
        JobTransitions.check(e.id(), e.job.status(), to);
        JobCopy next = new JobCopy(e.job);
        next.status = to;
        next.error = error;
        next.finishedAt = now();
        next.estimatedFinish = null;
        update(e, next);
    }

    void fail(JobEntry e, JobError error) {
        finish(e, FAILED, error);
        event(e, EventLevel.ERROR, "Job failed: " + error.message());
    }

    void update(JobEntry e, JobCopy next) {
        e.job = next.build();
        save(e);
    }

    void event(JobEntry e, EventLevel level, String message) {
        event(e, level, EventType.MESSAGE, message, JsonValue.Null.INSTANCE);
    }

    void event(JobEntry e, EventLevel level, EventType type, String message, JsonValue data) {
        JobEvent event = new JobEvent(Ids.newId("ftevent"), now(), level, message, type, data);
        try {
            store.saveEvent(e.id(), e.events.size(), event);
        } catch (IOException ex) {
            throw new ServerException("Could not record an event of " + e.id() + ": " + ex.getMessage(), null, null, ex);
        }
        e.events.add(event);
    }

    void checkpoint(JobEntry e, Checkpoint c) {
        try {
            store.saveCheckpoint(e.id(), c);
        } catch (IOException ex) {
            throw new ServerException("Could not record a checkpoint of " + e.id() + ": " + ex.getMessage(), null, null, ex);
        }
        e.checkpoints.add(c);
    }

    void save(JobEntry e) {
        try {
            store.saveJob(e);
        } catch (IOException ex) {
            throw new ServerException("Could not save job " + e.id() + ": " + ex.getMessage(), null, null, ex);
        }
    }

    long now() {
        return clock.instant().getEpochSecond();
    }

    long nowMillis() {
        return clock.millis();
    }
}
