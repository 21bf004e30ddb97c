package com.mka1.store.postgres;

import com.mka1.api.finetuning.Checkpoint;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.jobs.store.JobChange;
import com.mka1.core.jobs.store.JobJson;
import com.mka1.core.jobs.store.JobLeases;
import com.mka1.core.jobs.store.JobRecord;
import com.mka1.core.jobs.store.JobStore;
import com.mka1.core.jobs.store.StoredJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Job state in PostgreSQL, shared by every server of a deployment. A change is one transaction:
 * the job row is updated only where its version is still the one the change replaces
 * (compare-and-set), its events are inserted under (job, seq) and its checkpoint under
 * (job, step), both {@code ON CONFLICT DO NOTHING}, so a retried change never duplicates one.
 * Workers claim with {@code FOR UPDATE SKIP LOCKED} (two never get the same job) and hold a lease
 * whose end is the database's clock. A job's trainer state and output live under a local scratch
 * directory (the blob store carries what another server must read).
 */
public final class PostgresJobStore implements JobStore, JobLeases, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresJobStore.class);
    /** Statuses whose lease ends with them: the run is over, whoever held it. */
    private static final List<JobStatus> LEASE_ENDS = List.of(JobStatus.PAUSED, JobStatus.SUCCEEDED, JobStatus.FAILED,
            JobStatus.CANCELLED);

    private final ConnectionPool pool;
    private final Path scratch;

    private PostgresJobStore(ConnectionPool pool, Path scratch) {
        this.pool = pool;
        this.scratch = scratch;
    }

    /**
     * Connects with at most {@code poolSize} connections, creates or migrates the schema, and keeps
     * trainer state under {@code scratch}.
     *
     * @throws IOException the database cannot be reached or migrated
     */
    public static PostgresJobStore open(PostgresUrl url, int poolSize, Path scratch) throws IOException {
        ConnectionPool pool = new ConnectionPool(url, poolSize);
        PostgresJobStore store = new PostgresJobStore(pool, Files.createDirectories(scratch));
        try {
            store.inTransaction(Schema::migrate);
        } catch (IOException e) {
            pool.close();
            throw e;
        }
        log.info("job store: PostgreSQL at {}", url);
        return store;
    }

    @Override
    public Path stateDir(String jobId) {
        return scratch.resolve(jobId).resolve("state");
    }

    @Override
    public Path outputDir(String jobId) {
        return scratch.resolve(jobId).resolve("output");
    }

    @Override
    public void commit(JobChange change) throws IOException {
        inTransaction(c -> {
            JobRecord next = change.next();
            String status = next.job().status().wireName();
            String record = new String(JobJson.record(next), StandardCharsets.UTF_8);
            int rows;
            if (change.previous() == null) {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO mka1_jobs (id, seq, version, status, record) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO NOTHING""")) {
                    s.setString(1, next.id());
                    s.setLong(2, next.seq());
                    s.setLong(3, next.version());
                    s.setString(4, status);
                    s.setString(5, record);
                    rows = s.executeUpdate();
                }
            } else {
                boolean leaseEnds = LEASE_ENDS.contains(next.job().status());
                try (PreparedStatement s = c.prepareStatement("""
                        UPDATE mka1_jobs SET version = ?, status = ?, record = ?,
                            lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END,
                            lease_until = CASE WHEN ? THEN NULL ELSE lease_until END
                        WHERE id = ? AND version = ?""")) {
                    s.setLong(1, next.version());
                    s.setString(2, status);
                    s.setString(3, record);
                    s.setBoolean(4, leaseEnds);
                    s.setBoolean(5, leaseEnds);
                    s.setString(6, next.id());
                    s.setLong(7, change.previous().version());
                    rows = s.executeUpdate();
                }
            }
            if (rows != 1) {
                c.rollback();
                throw new IllegalStateException("job " + next.id() + " is not at version "
                        + (change.previous() == null ? 0 : change.previous().version()) + " (changed by another server)");
            }
            if (!change.events().isEmpty()) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO mka1_job_events (job_id, seq, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                    int seq = change.firstEventSeq();
                    for (JobEvent e : change.events()) {
                        s.setString(1, next.id());
                        s.setInt(2, seq++);
                        s.setString(3, new String(JobJson.event(e), StandardCharsets.UTF_8));
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            }
            Checkpoint checkpoint = change.checkpoint();
            if (checkpoint != null) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO mka1_job_checkpoints (job_id, step, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                    s.setString(1, next.id());
                    s.setInt(2, checkpoint.stepNumber());
                    s.setString(3, new String(JobJson.checkpoint(checkpoint), StandardCharsets.UTF_8));
                    s.executeUpdate();
                }
            }
            c.commit();
            return null;
        });
    }

    @Override
    public List<StoredJob> loadAll() throws IOException {
        return loadChanged(Map.of());
    }

    /** Reads every job's version, then the records, events and checkpoints of those not at their known version. */
    @Override
    public List<StoredJob> loadChanged(Map<String, Long> known) throws IOException {
        return inTransaction(c -> {
            List<String> changed = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, version FROM mka1_jobs ORDER BY seq, id");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!Long.valueOf(rs.getLong(2)).equals(known.get(rs.getString(1)))) changed.add(rs.getString(1));
                }
            }
            if (changed.isEmpty()) {
                c.commit();
                return List.of();
            }
            java.sql.Array ids = c.createArrayOf("text", changed.toArray());
            Map<String, JobRecord> records = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, record FROM mka1_jobs WHERE id = ANY (?) ORDER BY seq, id")) {
                s.setArray(1, ids);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        try {
                            records.put(rs.getString(1), JobJson.record(rs.getString(2).getBytes(StandardCharsets.UTF_8)));
                        } catch (RuntimeException e) { // written by a newer or broken server: the others still load
                            log.error("skipping job {}: its record cannot be read: {}", rs.getString(1), e.toString());
                        }
                    }
                }
            }
            Map<String, List<JobEvent>> events = rows(c, ids,
                    "SELECT job_id, body FROM mka1_job_events WHERE job_id = ANY (?) ORDER BY job_id, seq", JobJson::event);
            Map<String, List<Checkpoint>> checkpoints = rows(c, ids,
                    "SELECT job_id, body FROM mka1_job_checkpoints WHERE job_id = ANY (?) ORDER BY job_id, step",
                    JobJson::checkpoint);
            c.commit();
            List<StoredJob> out = new ArrayList<>();
            for (JobRecord r : records.values()) {
                // Read after the record, a job may have more rows than it counts (a change committed in between):
                // a reader sees exactly what the record says.
                List<JobEvent> e = events.getOrDefault(r.id(), List.of());
                List<Checkpoint> k = checkpoints.getOrDefault(r.id(), List.of());
                out.add(new StoredJob(r, e.subList(0, Math.min(e.size(), r.eventCount())),
                        k.subList(0, Math.min(k.size(), r.checkpointCount()))));
            }
            return out;
        });
    }

    private static <T> Map<String, List<T>> rows(Connection c, java.sql.Array ids, String sql,
                                                 java.util.function.Function<byte[], T> read) throws SQLException {
        Map<String, List<T>> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(read.apply(rs.getString(2).getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    // ---- leases ----

    @Override
    public Optional<String> claimNext(String worker, Duration lease) throws IOException {
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE mka1_jobs SET lease_owner = ?, lease_until = now() + ? * interval '1 millisecond'
                    WHERE id = (SELECT id FROM mka1_jobs
                                WHERE status IN ('queued', 'running', 'pausing')
                                  AND (lease_until IS NULL OR lease_until < now())
                                ORDER BY seq, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING id""")) {
                s.setString(1, worker);
                s.setLong(2, lease.toMillis());
                Optional<String> claimed;
                try (ResultSet rs = s.executeQuery()) {
                    claimed = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
                c.commit();
                claimed.ifPresent(id -> log.debug("{} claimed {}", worker, id));
                return claimed;
            }
        });
    }

    @Override
    public boolean renew(String jobId, String worker, Duration lease) throws IOException {
        return update("UPDATE mka1_jobs SET lease_until = now() + ? * interval '1 millisecond' WHERE id = ? AND lease_owner = ?",
                lease.toMillis(), jobId, worker) == 1;
    }

    @Override
    public void release(String jobId, String worker) throws IOException {
        update("UPDATE mka1_jobs SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?", jobId, worker);
    }

    @Override
    public Optional<String> holder(String jobId) throws IOException {
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT lease_owner FROM mka1_jobs WHERE id = ? AND lease_until >= now()")) {
                s.setString(1, jobId);
                try (ResultSet rs = s.executeQuery()) {
                    Optional<String> holder = rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                    c.commit();
                    return holder;
                }
            }
        });
    }

    private int update(String sql, Object... args) throws IOException {
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
                int rows = s.executeUpdate();
                c.commit();
                return rows;
            }
        });
    }

    // ---- transactions ----

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection; it commits itself. A database failure becomes an
     * {@link IOException} (the change is not durable) after a rollback.
     */
    private <T> T inTransaction(Work<T> work) throws IOException {
        Connection c;
        try {
            c = pool.acquire();
        } catch (SQLException e) {
            throw new IOException("the job database is unreachable: " + e.getMessage(), e);
        }
        boolean healthy = false;
        try {
            T result = work.run(c);
            healthy = true;
            return result;
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is dropped below
            }
            throw new IOException("job database: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            try {
                c.rollback();
                healthy = true;
            } catch (SQLException ignored) {
                // dropped below
            }
            throw e;
        } finally {
            pool.release(c, healthy);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
