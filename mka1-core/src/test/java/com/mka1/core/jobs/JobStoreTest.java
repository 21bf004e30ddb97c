package com.mka1.core.jobs;

import com.mka1.core.jobs.store.JobRecord;
import com.mka1.core.jobs.store.StoredJob;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mka1.core.contract.JobStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.mka1.core.contract.JobStoreContract.commit;
import static com.mka1.core.contract.JobStoreContract.metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobStoreTest {
    @TempDir
    Path dir;

    private static FineTuningJob job(String id) {
        return JobStoreContract.job(id, JobStatus.RUNNING);
    }

    /** The rest of reloading (jobs, events, checkpoints in order) is {@link JobStoreContract}'s, run on this store. */
    @Test
    void aJobDirectoryThatNeverCommittedIsRemovedAtLoad() throws IOException {
        FileJobStore store = new FileJobStore(dir);
        JobRecord a = commit(store, null, JobRecord.created(job("ftjob_a"), 0), List.of(metrics("ftevent_0", 1)), null);
        Files.createDirectories(dir.resolve("ftjob_uncommitted/events")); // created, never committed: removed

        List<StoredJob> loaded = new FileJobStore(dir).loadAll();
        assertThat(loaded).extracting(StoredJob::record).containsExactly(a);
        assertThat(dir.resolve("ftjob_uncommitted")).doesNotExist();
    }

    @Test
    void writesOfAChangeThatNeverCommittedAreDroppedAndTheRetryDuplicatesNothing() throws IOException {
        FileJobStore store = new FileJobStore(dir);
        JobRecord a = commit(store, null, JobRecord.created(job("ftjob_a"), 0), List.of(metrics("ftevent_0", 1)), null);
        // A crash after the event and checkpoint files of the next change, before its job.json:
        Path jobDir = dir.resolve("ftjob_a");
        Files.writeString(jobDir.resolve("events/000000001.json"), "{\"half\":");
        Files.copy(jobDir.resolve("events/000000000.json"), jobDir.resolve("events/000000002.json"));
        Files.createDirectories(jobDir.resolve("checkpoints"));
        Files.writeString(jobDir.resolve("checkpoints/000000004.json"), "{}");
        Files.writeString(jobDir.resolve("events/.000000001.json123.tmp"), "torn");

        FileJobStore reopened = new FileJobStore(dir);
        StoredJob loaded = reopened.loadAll().getFirst();
        assertThat(loaded.record()).isEqualTo(a);
        assertThat(loaded.events()).extracting(JobEvent::id).containsExactly("ftevent_0");
        assertThat(loaded.checkpoints()).isEmpty();
        try (Stream<Path> files = Files.list(jobDir.resolve("events"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("000000000.json");
        }
        assertThat(jobDir.resolve("checkpoints/000000004.json")).doesNotExist();

        // The retried change writes the same sequence number: one event, not two.
        JobRecord next = commit(reopened, a, a, List.of(metrics("ftevent_1", 2)), null);
        assertThat(new FileJobStore(dir).loadAll().getFirst().events()).extracting(JobEvent::id)
                .containsExactly("ftevent_0", "ftevent_1");
        assertThat(next.eventCount()).isEqualTo(2);
    }

    @Test
    void anUnreadableRecordIsQuarantinedAndTheOthersLoad() throws IOException {
        FileJobStore store = new FileJobStore(dir);
        commit(store, null, JobRecord.created(job("ftjob_a"), 0), List.of(), null);
        JobRecord b = commit(store, null, JobRecord.created(job("ftjob_b"), 1), List.of(metrics("ftevent_0", 1)), null);
        b = commit(store, b, b, List.of(metrics("ftevent_1", 2)), null);
        Files.writeString(dir.resolve("ftjob_a/job.json"), "{\"job\": 1e1000}"); // written by an older, unbounded server
        Files.writeString(dir.resolve("ftjob_b/events/000000000.json"), "not json");

        List<StoredJob> loaded = new FileJobStore(dir).loadAll();
        assertThat(loaded).extracting(j -> j.record().id()).containsExactly("ftjob_b");
        assertThat(loaded.getFirst().record()).isEqualTo(b);
        List<JobEvent> events = loaded.getFirst().events();
        assertThat(events).hasSize(2);
        assertThat(events.getFirst().level()).isEqualTo(EventLevel.WARN);
        assertThat(events.getFirst().message()).startsWith("An unreadable event record was moved aside to .quarantine/ftjob_b_events_000000000.json.");
        assertThat(events.get(1).id()).isEqualTo("ftevent_1");
        assertThat(dir.resolve("ftjob_a")).doesNotExist();
        try (Stream<Path> quarantined = Files.list(dir.resolve(FileJobStore.QUARANTINE))) {
            assertThat(quarantined.map(p -> p.getFileName().toString().replaceAll("\\.\\d+$", "")))
                    .containsExactlyInAnyOrder("ftjob_a", "ftjob_b_events_000000000.json");
        }
    }
}
