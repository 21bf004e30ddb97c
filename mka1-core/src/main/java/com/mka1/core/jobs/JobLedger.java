package com.mka1.core.jobs;

import com.mka1.core.jobs.store.JobChange;
import com.mka1.core.jobs.store.JobLeases;
import com.mka1.core.jobs.store.JobRecord;
import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.jobs.store.StoredJob;
import com.mka1.api.Caller;
import com.mka1.api.JsonValue;
import com.mka1.api.NotFoundException;
import com.mka1.api.RateLimitException;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobError;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.core.storage.Ids;
import com.mka1.core.storage.StorageFailures;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import static com.mka1.api.finetuning.JobStatus.*;

/**
 * The only owner of job state. Each method is one transition (or one read) under the ledger's
 * own lock: it checks the change against {@link JobTransitions}, commits it to the
 * {@link JobStore} together with its events, and only then lets anyone see it. A commit that
 * fails throws (507 when the disk is full) and leaves the previous durable state in place, so a
 * client is never told a status the store does not hold.
 */
final class JobLedger {
    private final JobStore store;
    /** A store shared with other servers: every read and transition first takes in what they committed. */
    private final boolean shared;
    private final Clock clock;
    private final Map<String, Slot> jobs = new LinkedHashMap<>();
    private long nextSeq;

    /** A job's committed state and what a run keeps beside it (never stored: no run survives a restart). */
    private static final class Slot {
        JobRecord record;
        final List<JobEvent> events;
        final List<Checkpoint> checkpoints;
        /** Pause, cancel or shutdown asked the trainer to stop at the next step boundary. */
        volatile boolean stopRequested;
        /** A worker is running this job's trainer. */
        boolean training;
        /** Wall clock (ms) when the current run started, and steps done in it, for estimated_finish. */
        long runStartedMillis;
        int stepsThisRun;

        Slot(JobRecord record, List<JobEvent> events, List<Checkpoint> checkpoints) {
            this.record = record;
            this.events = new ArrayList<>(events);
            this.checkpoints = new ArrayList<>(checkpoints);
        }

        FineTuningJob job() {
            return record.job();
        }

        JobStatus status() {
            return record.job().status();
        }
    }

    /** What a worker needs to run a job it claimed. */
    record Claim(FineTuningJob job, String reservedModel) {}

    JobLedger(JobStore store, Clock clock) {
        this.store = store;
        this.shared = store instanceof JobLeases;
        this.clock = clock;
    }

    JobStore store() {
        return store;
    }

    /** The queue's leases when the store is shared with other servers, else null (this server owns every job). */
    JobLeases leases() {
        return shared ? (JobLeases) store : null;
    }

    /** A commit lost to another server's change of the same job: the transition runs again on the new state. */
    private static final class StaleJob extends RuntimeException {
        StaleJob(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Takes in what other servers committed (shared store only): jobs created elsewhere appear,
     * newer versions replace ours, and a run here sees a pause or cancel made elsewhere (the way
     * those reach the owning worker: it polls the database). The cost is one read of every job's
     * version, then the records and events of the jobs that changed.
     */
    synchronized void refresh() {
        if (!shared) return;
        Map<String, Long> known = new java.util.HashMap<>();
        jobs.forEach((id, slot) -> known.put(id, slot.record.version()));
        List<StoredJob> changed;
        try {
            changed = store.loadChanged(known);
        } catch (IOException e) {
            throw StorageFailures.toApi("Could not read the job store", e);
        }
        for (StoredJob stored : changed) {
            JobRecord r = stored.record();
            Slot s = jobs.get(r.id());
            if (s == null) {
                jobs.put(r.id(), new Slot(r, stored.events(), stored.checkpoints()));
                nextSeq = Math.max(nextSeq, r.seq() + 1);
            } else if (r.version() > s.record.version()) {
                s.record = r;
                s.events.clear();
                s.events.addAll(stored.events());
                s.checkpoints.clear();
                s.checkpoints.addAll(stored.checkpoints());
                if (s.training && r.job().status() != RUNNING) s.stopRequested = true;
            }
        }
    }

    /** Runs a transition; on a shared store, again on fresh state when another server changed the job first. */
    private <T> T atomically(java.util.function.Supplier<T> transition) {
        for (int attempt = 1; ; attempt++) {
            refresh();
            try {
                return transition.get();
            } catch (StaleJob e) {
                if (attempt == 5) {
                    throw new com.mka1.api.ConflictException("The job keeps changing on other servers; try again.",
                            null, "job_changed_concurrently");
                }
            }
        }
    }

    private void atomically(Runnable transition) {
        atomically(() -> {
            transition.run();
            return null;
        });
    }

    /** Loads every stored job and returns them, oldest first. */
    synchronized List<FineTuningJob> load() throws IOException {
        List<FineTuningJob> loaded = new ArrayList<>();
        for (StoredJob stored : store.loadAll()) {
            jobs.put(stored.record().id(), new Slot(stored.record(), stored.events(), stored.checkpoints()));
            nextSeq = Math.max(nextSeq, stored.record().seq() + 1);
            loaded.add(stored.record().job());
        }
        return loaded;
    }

    // ---- reads ----

    /** Any job by id (for the engine), or null. */
    synchronized FineTuningJob get(String jobId) {
        Slot s = jobs.get(jobId);
        return s == null ? null : s.job();
    }

    /** The job, if {@code caller} may see it; otherwise 404 (other end users' jobs do not exist for it). */
    synchronized FineTuningJob visible(String jobId, Caller caller) {
        refresh();
        return visibleSlot(jobId, caller).job();
    }

    /** The jobs {@code filter} accepts, newest first. */
    synchronized List<FineTuningJob> list(Predicate<FineTuningJob> filter) {
        refresh();
        return jobs.values().stream()
                .sorted(Comparator.comparingLong((Slot s) -> s.record.seq()).reversed())
                .map(Slot::job).filter(filter).toList();
    }

    synchronized List<JobEvent> events(String jobId, Caller caller) {
        refresh();
        return List.copyOf(visibleSlot(jobId, caller).events);
    }

    synchronized List<Checkpoint> checkpoints(String jobId, Caller caller) {
        refresh();
        return List.copyOf(visibleSlot(jobId, caller).checkpoints);
    }

    /** Events and checkpoints of a job, for its results file. */
    synchronized StoredJob stored(String jobId) {
        Slot s = jobs.get(jobId);
        return new StoredJob(s.record, s.events, s.checkpoints);
    }

    /** The first job that is not terminal and matches, described for a 409 ("job ftjob_… (running)"). */
    synchronized Optional<String> activeJob(Predicate<FineTuningJob> matches) {
        refresh();
        return jobs.values().stream().map(Slot::job)
                .filter(j -> !j.status().terminal()).filter(matches)
                .findFirst().map(j -> "job " + j.id() + " (" + j.status().wireName() + ")");
    }

    /** Whether a job has reserved the fine-tuned model id {@code name}. */
    synchronized boolean reserved(String name) {
        refresh();
        return jobs.values().stream().anyMatch(s -> name.equals(s.record.reservedModel()));
    }

    /** Polled by the trainer at every step boundary. */
    boolean stopRequested(String jobId) {
        Slot s;
        synchronized (this) {
            s = jobs.get(jobId);
        }
        return s == null || s.stopRequested;
    }

    // ---- API transitions ----

    /** Records a new job (with its first event) unless {@code capacity} jobs already wait. */
    synchronized FineTuningJob create(FineTuningJob job, String firstEvent, int capacity) {
        return atomically(() -> {
            checkCapacity(capacity);
            Slot s = new Slot(JobRecord.created(job, nextSeq), List.of(), List.of());
            commit(s, s.record, List.of(event(EventLevel.INFO, firstEvent)), null);
            jobs.put(job.id(), s);
            nextSeq++;
            return job;
        });
    }

    synchronized FineTuningJob cancel(String jobId, Caller caller) {
        return atomically(() -> {
            Slot s = visibleSlot(jobId, caller);
            if (s.status().terminal()) throw JobTransitions.refused("cancel", jobId, s.status());
            finish(s, s.record, CANCELLED, null, List.of(event(EventLevel.INFO, "Job cancelled")));
            s.stopRequested = true;
            return s.job();
        });
    }

    /** Running: asks the trainer to stop ({@code pausing}); queued: {@code paused} at once. */
    synchronized FineTuningJob pause(String jobId, Caller caller) {
        return atomically(() -> {
            Slot s = visibleSlot(jobId, caller);
            switch (s.status()) {
                case RUNNING -> {
                    setStatus(s, PAUSING, List.of(event(EventLevel.INFO, "Pausing job: stopping at the next step boundary")));
                    s.stopRequested = true;
                }
                case QUEUED -> setStatus(s, PAUSED, List.of(event(EventLevel.INFO, "Job paused")));
                default -> throw JobTransitions.refused("pause", jobId, s.status());
            }
            return s.job();
        });
    }

    /** Paused to queued, unless {@code capacity} jobs already wait (a resume is a new wait). */
    synchronized FineTuningJob resume(String jobId, Caller caller, int capacity) {
        return atomically(() -> {
            Slot s = visibleSlot(jobId, caller);
            if (s.status() != PAUSED) throw JobTransitions.refused("resume", jobId, s.status());
            checkCapacity(capacity);
            setStatus(s, QUEUED, List.of(event(EventLevel.INFO, "Job resumed")));
            return s.job();
        });
    }

    // ---- engine transitions ----

    /** Files checked: queued, or failed with {@code error}. False when the job is no longer validating. */
    synchronized boolean validated(String jobId, JobError error) {
        return atomically(() -> {
            Slot s = jobs.get(jobId);
            if (s == null || s.status() != VALIDATING_FILES) return false;
            if (error != null) {
                fail(s, error);
                return false;
            }
            setStatus(s, QUEUED, List.of(event(EventLevel.INFO, "Files validated, moving job to queued state")));
            return true;
        });
    }

    /** A job found running after a restart: says so before it resumes. */
    synchronized void resumedAfterRestart(String jobId) {
        atomically(() -> {
            Slot s = jobs.get(jobId);
            commit(s, s.record, List.of(event(EventLevel.INFO, "Job resumed after restart")), null);
        });
    }

    /**
     * Claims a job for a run: queued becomes running (running and pausing, left by a restart,
     * continue). The model id is reserved on the first claim, in the same commit as the one
     * "Fine-tuning job started" event. Null when the job may not run now (paused, cancelled, or
     * another worker holds it).
     *
     * @param reserveName the model id to reserve (called under the ledger's lock: it may read {@link #reserved})
     */
    synchronized Claim claim(String jobId, Function<FineTuningJob, String> reserveName) {
        return atomically(() -> {
            Slot s = jobs.get(jobId);
            // A job paused and resumed while a worker held its id is queued twice: one run at a time.
            if (s == null || s.training) return null;
            JobStatus status = s.status();
            if (status != QUEUED && status != RUNNING && status != PAUSING) return null;
            JobRecord working = s.record;
            List<JobEvent> events = new ArrayList<>();
            if (working.reservedModel() == null) {
                working = working.withReservedModel(reserveName.apply(working.job()));
                events.add(event(EventLevel.INFO, "Fine-tuning job started"));
            }
            if (status == QUEUED) {
                JobTransitions.check(jobId, status, RUNNING);
                working = working.withJob(copy(working.job(), c -> c.status = RUNNING));
            }
            if (working != s.record) commit(s, working, events, null);
            s.training = true;
            s.stopRequested = status == PAUSING;
            s.runStartedMillis = clock.millis();
            s.stepsThisRun = 0;
            return new Claim(s.job(), s.record.reservedModel());
        });
    }

    /** The run resolved its plan: hyperparameters as resolved, trained tokens, and an event on a fresh start. */
    synchronized void planned(String jobId, Method resolved, long trainedTokens, int totalSteps, String freshStartEvent) {
        atomically(() -> {
            Slot s = jobs.get(jobId);
            if (s.status().terminal()) return;
            boolean fresh = s.record.lastStep() == 0 && s.record.totalSteps() == 0;
            JobRecord working = s.record.withSteps(s.record.lastStep(), totalSteps).withJob(copy(s.job(), c -> {
                c.method = resolved;
                c.trainedTokens = trainedTokens;
            }));
            commit(s, working, fresh && freshStartEvent != null ? List.of(event(EventLevel.INFO, freshStartEvent))
                    : List.of(), null);
        });
    }

    /** One step's metrics event and the new estimated_finish; a replayed step is not recorded twice. */
    synchronized void step(String jobId, int step, int totalSteps, String message, JsonValue.Obj data) {
        atomically(() -> {
            Slot s = jobs.get(jobId);
            if (s.status().terminal() || step <= s.record.lastStep()) return;
            long now = clock.millis();
            int stepsThisRun = s.stepsThisRun + 1;
            long remainingMillis = (now - s.runStartedMillis) / stepsThisRun * (totalSteps - step);
            JobRecord working = s.record.withSteps(step, totalSteps)
                    .withJob(copy(s.job(), c -> c.estimatedFinish = (now + remainingMillis) / 1000));
            commit(s, working, List.of(new JobEvent(Ids.newId("ftevent"), now / 1000, EventLevel.INFO, message,
                    EventType.METRICS, data)), null);
            s.stepsThisRun = stepsThisRun;
        });
    }

    /** A new checkpoint and its event; false (nothing recorded) when its step already has one or the job ended. */
    synchronized boolean checkpoint(String jobId, Checkpoint c) {
        return atomically(() -> {
            Slot s = jobs.get(jobId);
            if (s.status().terminal()) return false;
            // A run resumed from state older than this checkpoint writes it again: keep the first.
            if (s.checkpoints.stream().anyMatch(k -> k.stepNumber() == c.stepNumber())) return false;
            commit(s, s.record, List.of(event(EventLevel.INFO, "Checkpoint created at step " + c.stepNumber())), c);
            return true;
        });
    }

    synchronized List<Checkpoint> checkpointsOf(String jobId) {
        return List.copyOf(jobs.get(jobId).checkpoints);
    }

    /** A trainer's note, unless the job ended. */
    synchronized void message(String jobId, EventLevel level, String text) {
        atomically(() -> {
            Slot s = jobs.get(jobId);
            if (!s.status().terminal()) commit(s, s.record, List.of(event(level, text)), null);
        });
    }

    /** Asks a run here to stop at its next step boundary (its lease went to another worker). */
    synchronized void stopRun(String jobId) {
        Slot s = jobs.get(jobId);
        if (s != null) s.stopRequested = true;
    }

    /** The run ended: the job is free for another claim. */
    synchronized void released(String jobId) {
        jobs.get(jobId).training = false;
    }

    /**
     * The run completed: model, trained tokens and result file recorded with the job's last
     * events and {@code succeeded}, in one commit. False when the job ended meanwhile (cancelled).
     */
    synchronized boolean succeed(String jobId, String modelId, long trainedTokens, String resultFile) {
        return atomically(() -> {
            Slot s = jobs.get(jobId);
            s.training = false;
            if (s.status().terminal()) return false;
            JobRecord working = s.record.withJob(copy(s.job(), c -> {
                c.fineTunedModel = modelId;
                c.trainedTokens = trainedTokens;
                c.resultFiles = List.of(resultFile);
            }));
            finish(s, working, SUCCEEDED, null, List.of(
                    new JobEvent(Ids.newId("ftevent"), now(), EventLevel.INFO, "New fine-tuned model created",
                            EventType.MESSAGE, new JsonValue.Obj(Map.of("fine_tuned_model", new JsonValue.Str(modelId)))),
                    event(EventLevel.INFO, "The job has successfully completed")));
            return true;
        });
    }

    /** Pausing to paused once the trainer saved its state at {@code step}. False when not pausing. */
    synchronized boolean paused(String jobId, int step) {
        return atomically(() -> {
            Slot s = jobs.get(jobId);
            s.training = false;
            if (s.status() != PAUSING) return false;
            setStatus(s, PAUSED, List.of(new JobEvent(Ids.newId("ftevent"), now(), EventLevel.INFO, "Job paused",
                    EventType.MESSAGE, new JsonValue.Obj(Map.of("step", JsonValue.Num.of(step))))));
            return true;
        });
    }

    /**
     * Fails a job whose status may fail ({@code validating_files}, {@code running}, {@code pausing};
     * a queued job gets there through {@code running}); a paused or ended job stays as it is.
     * False when nothing changed.
     */
    synchronized boolean failRun(String jobId, JobError error) {
        return atomically(() -> {
            Slot s = jobs.get(jobId);
            if (s == null) return false;
            s.training = false;
            if (s.status().terminal() || s.status() == PAUSED) return false;
            fail(s, error);
            return true;
        });
    }

    // ---- commits ----

    private void checkCapacity(int capacity) {
        long waiting = jobs.values().stream().filter(s -> s.status() == VALIDATING_FILES || s.status() == QUEUED).count();
        if (waiting >= capacity) {
            throw new RateLimitException("Too many fine-tuning jobs waiting (" + waiting + "); try again when some have started.",
                    null, "queue_full");
        }
    }

    private Slot visibleSlot(String jobId, Caller caller) {
        Slot s = jobs.get(jobId);
        if (s == null || !caller.canSee(s.job().user())) {
            throw new NotFoundException("No such fine-tuning job: " + jobId, "fine_tuning_job_id", "job_not_found");
        }
        return s;
    }

    private void setStatus(Slot s, JobStatus to, List<JobEvent> events) {
        JobTransitions.check(s.record.id(), s.status(), to);
        commit(s, s.record.withJob(copy(s.job(), c -> {
            c.status = to;
            if (to != RUNNING && to != PAUSING) c.estimatedFinish = null;
        })), events, null);
    }

    /** Moves {@code working} (the job with this change's other fields) to a terminal status, stamping finished_at. */
    private void finish(Slot s, JobRecord working, JobStatus to, JobError error, List<JobEvent> events) {
        JobStatus from = s.status();
        if (from == QUEUED && to == FAILED) { // queued fails through running, in the same commit
            JobTransitions.check(s.record.id(), from, RUNNING);
            from = RUNNING;
        }
        JobTransitions.check(s.record.id(), from, to);
        long finishedAt = now();
        commit(s, working.withJob(copy(working.job(), c -> {
            c.status = to;
            c.error = error;
            c.finishedAt = finishedAt;
            c.estimatedFinish = null;
        })), events, null);
    }

    private void fail(Slot s, JobError error) {
        finish(s, s.record, FAILED, error, List.of(event(EventLevel.ERROR, "Job failed: " + error.message())));
    }

    /**
     * Commits {@code working} (the slot's record with this change's fields) with its events and
     * checkpoint, then shows it. On failure nothing in memory changes.
     */
    private void commit(Slot s, JobRecord working, List<JobEvent> events, Checkpoint checkpoint) {
        JobChange change = JobChange.of(s.record, working, events, checkpoint);
        try {
            store.commit(change);
        } catch (IOException e) {
            throw StorageFailures.toApi("Could not save job " + working.id(), e);
        } catch (IllegalStateException e) {
            if (shared) throw new StaleJob(e.getMessage());
            throw e;
        }
        s.record = change.next();
        s.events.addAll(events);
        if (checkpoint != null) s.checkpoints.add(checkpoint);
    }

    private static FineTuningJob copy(FineTuningJob job, Consumer<JobCopy> change) {
        JobCopy c = new JobCopy(job);
        change.accept(c);
        return c.build();
    }

    private JobEvent event(EventLevel level, String message) {
        return new JobEvent(Ids.newId("ftevent"), now(), level, message, EventType.MESSAGE, JsonValue.Null.INSTANCE);
    }

    long now() {
        return clock.instant().getEpochSecond();
    }
}
