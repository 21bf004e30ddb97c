package com.mka1.core.contract;

import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.CheckpointMetrics;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.core.jobs.store.JobChange;
import com.mka1.core.jobs.store.JobRecord;
import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.jobs.store.StoredJob;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link JobStore} guarantees, run against each implementation (the data directory
 * here, PostgreSQL in {@code mka1-store-postgres}): changes reload exactly, a commit over a stale
 * version is refused, and a retried change never duplicates an event or checkpoint.
 */
public abstract class JobStoreContract {
    /** An empty store. */
    protected abstract JobStore newStore() throws IOException;

    /** A second handle on the same durable state (another process, or the same after a restart). */
    protected abstract JobStore reopen() throws IOException;

    public static FineTuningJob job(String id, JobStatus status) {
        return new FineTuningJob(id, "a:b", 1, null, null, "org", List.of(), status, null, "file_t",
                Method.Supervised.auto(), null, null, null, 7, null, null, null, "u");
    }

    public static JobEvent metrics(String id, int step) {
        return new JobEvent(id, 2, EventLevel.INFO, "Step " + step, EventType.METRICS,
                new JsonValue.Obj(Map.of("step", JsonValue.Num.of(step))));
    }

    public static Checkpoint checkpoint(int step) {
        return new Checkpoint("ftckpt_" + step, 3, "ft:a:b:x:ckpt-step-" + step, "ftjob_a", step,
                new CheckpointMetrics(step, 0.1, 0.9, null, null, null, null));
    }

    /** Commits {@code events} and {@code checkpoint} on top of {@code previous} (null: a new job). */
    public static JobRecord commit(JobStore store, JobRecord previous, JobRecord working, List<JobEvent> events,
                                   Checkpoint checkpoint) throws IOException {
        JobChange change = JobChange.of(previous == null ? working : previous, working, events, checkpoint);
        store.commit(change);
        return change.next();
    }

    @Test
    public void reloadsJobsEventsAndCheckpointsInOrder() throws IOException {
        JobStore store = newStore();
        JobRecord b = commit(store, null, JobRecord.created(job("ftjob_b", JobStatus.QUEUED), 1), List.of(), null);
        JobRecord a = commit(store, null, JobRecord.created(job("ftjob_a", JobStatus.RUNNING), 0)
                .withReservedModel("ft:a:b:x"), List.of(), null);
        List<JobEvent> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            JobEvent e = metrics("ftevent_" + i, i + 1);
            events.add(e);
            a = commit(store, a, a.withSteps(i + 1, 12), List.of(e), null);
        }
        a = commit(store, a, a, List.of(), checkpoint(2));
        a = commit(store, a, a, List.of(), checkpoint(10));

        List<StoredJob> loaded = reopen().loadAll();
        assertThat(loaded).extracting(j -> j.record().id()).containsExactly("ftjob_a", "ftjob_b");
        StoredJob first = loaded.getFirst();
        assertThat(first.record()).isEqualTo(a);
        assertThat(first.record().version()).isEqualTo(15);
        assertThat(first.record().lastStep()).isEqualTo(12);
        assertThat(first.record().reservedModel()).isEqualTo("ft:a:b:x");
        assertThat(first.events()).isEqualTo(events);
        assertThat(first.checkpoints()).containsExactly(checkpoint(2), checkpoint(10));
        assertThat(loaded.get(1).record()).isEqualTo(b);
        assertThat(loaded.get(1).events()).isEmpty();
    }

    @Test
    public void aCommitOverAStaleVersionIsRefusedAndChangesNothing() throws IOException {
        JobStore store = newStore();
        JobRecord a = commit(store, null, JobRecord.created(job("ftjob_a", JobStatus.QUEUED), 0),
                List.of(metrics("ftevent_0", 1)), null);
        JobRecord second = commit(store, a, a, List.of(metrics("ftevent_1", 2)), null);
        // Another server (or a retry of a change that did commit) writes over version 1 again.
        JobStore other = reopen();
        other.loadAll();
        assertThatThrownBy(() -> commit(other, a, a.withSteps(5, 9), List.of(metrics("ftevent_x", 3)), checkpoint(4)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ftjob_a");
        assertThatThrownBy(() -> commit(store, null, JobRecord.created(job("ftjob_a", JobStatus.QUEUED), 0), List.of(), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ftjob_a");

        StoredJob loaded = reopen().loadAll().getFirst();
        assertThat(loaded.record()).isEqualTo(second);
        assertThat(loaded.events()).extracting(JobEvent::id).containsExactly("ftevent_0", "ftevent_1");
        assertThat(loaded.checkpoints()).isEmpty();
    }

    @Test
    public void aChangeCommittedThroughOneHandleIsSeenAndContinuedThroughAnother() throws IOException {
        JobStore store = newStore();
        JobRecord a = commit(store, null, JobRecord.created(job("ftjob_a", JobStatus.RUNNING), 0),
                List.of(metrics("ftevent_0", 1)), null);
        JobStore other = reopen();
        JobRecord loaded = other.loadAll().getFirst().record();
        assertThat(loaded).isEqualTo(a);
        JobRecord next = commit(other, loaded, loaded.withJob(job("ftjob_a", JobStatus.SUCCEEDED)),
                List.of(metrics("ftevent_1", 2)), checkpoint(3));

        StoredJob seen = reopen().loadAll().getFirst();
        assertThat(seen.record()).isEqualTo(next);
        assertThat(seen.record().job().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(seen.events()).extracting(JobEvent::id).containsExactly("ftevent_0", "ftevent_1");
        assertThat(seen.checkpoints()).containsExactly(checkpoint(3));
    }

    @Test
    public void loadChangedReturnsOnlyJobsNotAtTheirKnownVersion() throws IOException {
        JobStore store = newStore();
        JobRecord a = commit(store, null, JobRecord.created(job("ftjob_a", JobStatus.QUEUED), 0), List.of(), null);
        JobRecord b = commit(store, null, JobRecord.created(job("ftjob_b", JobStatus.QUEUED), 1),
                List.of(metrics("ftevent_0", 1)), null);
        java.util.Map<String, Long> known = java.util.Map.of("ftjob_a", a.version(), "ftjob_b", b.version());
        JobStore other = reopen();
        other.loadAll();
        assertThat(other.loadChanged(known)).isEmpty();

        JobRecord b2 = commit(other, b, b.withSteps(2, 4), List.of(metrics("ftevent_1", 2)), checkpoint(2));
        JobRecord c = commit(other, null, JobRecord.created(job("ftjob_c", JobStatus.QUEUED), 2), List.of(), null);
        List<StoredJob> changed = reopen().loadChanged(known);
        assertThat(changed).extracting(StoredJob::record).containsExactly(b2, c);
        assertThat(changed.getFirst().events()).extracting(JobEvent::id).containsExactly("ftevent_0", "ftevent_1");
        assertThat(changed.getFirst().checkpoints()).containsExactly(checkpoint(2));
    }
}
