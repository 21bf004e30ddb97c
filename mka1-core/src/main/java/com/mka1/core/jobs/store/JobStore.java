package com.mka1.core.jobs.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where job state is durable: the seam between the engine's job ledger (the only owner of job
 * state) and a storage engine. The default keeps one directory per job under the data directory;
 * a database implementation (module {@code mka1-store-postgres}) commits a {@link JobChange} in one
 * transaction, updating the job row only where its version is still {@code previous.version()}
 * (compare-and-set), and inserting events under the unique key (job id, sequence number), so a
 * replayed append is a no-op. A store shared by several servers also implements {@link JobLeases}.
 */
public interface JobStore {
    /**
     * Every readable job with its committed events and checkpoints, oldest first. A record that
     * cannot be read is quarantined (moved aside and logged), never a reason to refuse to start;
     * leftovers of uncommitted changes are removed.
     */
    List<StoredJob> loadAll() throws IOException;

    /**
     * The jobs whose committed version is not {@code known.get(id)} (new jobs too), with their
     * events and checkpoints, oldest first: what a server sharing the store has not seen yet. A
     * shared store reads only those jobs' events; this default reads everything.
     */
    default List<StoredJob> loadChanged(Map<String, Long> known) throws IOException {
        return loadAll().stream().filter(j -> !Long.valueOf(j.record().version()).equals(known.get(j.record().id()))).toList();
    }

    /**
     * Applies a change atomically: after a crash at any point, a reload sees the previous record
     * with its events, or the next one with the appended events, never a mix.
     *
     * @throws IOException the change is not durable (the previous record stands)
     * @throws IllegalStateException the stored version is not {@code change.previous().version()}
     */
    void commit(JobChange change) throws IOException;

    /** The trainer's resumable state of a job (a local directory, whatever holds the records). */
    Path stateDir(String jobId);

    /** Where the trainer writes a job's model and checkpoints. */
    Path outputDir(String jobId);
}
