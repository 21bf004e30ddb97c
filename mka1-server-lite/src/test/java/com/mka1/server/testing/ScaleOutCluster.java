package com.mka1.server.testing;

import com.mka1.store.postgres.testing.LocalPostgres;
import com.mka1.store.postgres.PostgresUrl;
import com.mka1.store.s3.testing.LocalS3;
import com.mka1.store.s3.S3BlobStore;
import com.mka1.store.s3.S3Location;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * {@code nodes} real {@code mka1 serve} processes ({@link ServerProcess}, the installed trainer on
 * the reference backend) sharing one fresh PostgreSQL database ({@link LocalPostgres}) and one
 * bucket prefix on s3proxy ({@link LocalS3}), with worker ids {@code node1}, {@code node2}, ...
 * A trigger the test adds to the jobs table ({@link #history}) records every claim and status
 * change with the database's clock, so tests and the throughput benchmark see who claimed what, when.
 */
public final class ScaleOutCluster implements AutoCloseable {
    private final PostgresUrl database;
    private final IntFunction<ServerProcess> launcher;
    private final List<ServerProcess> nodes = new ArrayList<>();
    private S3BlobStore blobs;

    /** One claim or status change of a job, as the trigger saw it. {@code kind}: created, claimed or status. */
    public record Change(String jobId, String kind, String status, String worker, long atMicros) {}

    private ScaleOutCluster(PostgresUrl database, IntFunction<ServerProcess> launcher) {
        this.database = database;
        this.launcher = launcher;
    }

    /**
     * Starts the nodes side by side under {@code root} and installs the history trigger.
     *
     * @param leaseSeconds {@code --lease-seconds} of every node (a heartbeat every third of it)
     */
    public static ScaleOutCluster start(Path root, int nodes, int leaseSeconds) throws Exception {
        String name = LocalPostgres.get().createDatabase();
        String databaseUrl = LocalPostgres.get().libpqUrl(name);
        Map<String, String> s3 = LocalS3.environment();
        String blobsUrl = "s3://mka1-scale-out/" + name;
        IntFunction<ServerProcess> launcher = i -> ServerProcess.startTraining(root.resolve("node" + i), s3,
                "--database", databaseUrl, "--blobs", blobsUrl, "--worker-id", "node" + i,
                "--lease-seconds", Integer.toString(leaseSeconds), "--backend", "reference");
        List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            int node = i;
            starting.add(CompletableFuture.supplyAsync(() -> launcher.apply(node)));
        }
        ScaleOutCluster cluster = new ScaleOutCluster(LocalPostgres.get().url(name), launcher);
        RuntimeException failed = null;
        for (CompletableFuture<ServerProcess> s : starting) {
            try {
                cluster.nodes.add(s.join());
            } catch (RuntimeException e) {
                failed = e;
            }
        }
        if (failed != null) {
            cluster.close();
            throw failed;
        }
        cluster.installHistory();
        cluster.blobs = S3BlobStore.open(S3Location.parse(blobsUrl), LocalS3.settings()); // the nodes created the bucket
        return cluster;
    }

    /** Starts node {@code i} again (same data directory and worker id) if it is not running. */
    public ServerProcess restartIfDead(int i) {
        if (!node(i).alive()) nodes.set(i - 1, launcher.apply(i));
        return node(i);
    }

    /** Node {@code i}, counted from 1 as the worker ids are. */
    public ServerProcess node(int i) {
        return nodes.get(i - 1);
    }

    public int size() {
        return nodes.size();
    }

    /** The bucket prefix the nodes share. */
    public S3BlobStore blobs() {
        return blobs;
    }

    /** The job's lease holder ({@code nodeN-1}) while its lease is live. */
    public Optional<String> holder(String jobId) throws SQLException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT lease_owner FROM mka1_jobs WHERE id = ? AND lease_until >= now()")) {
            s.setString(1, jobId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The job's stored event sequence numbers, in order. */
    public List<Integer> eventSeqs(String jobId) throws SQLException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT seq FROM mka1_job_events WHERE job_id = ? ORDER BY seq")) {
            s.setString(1, jobId);
            List<Integer> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) out.add(rs.getInt(1));
            }
            return out;
        }
    }

    /** Every claim and status change so far, oldest first. */
    public List<Change> history() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT job_id, kind, status, worker, (extract(epoch FROM at) * 1000000)::bigint"
                     + " FROM test_job_history ORDER BY n")) {
            List<Change> out = new ArrayList<>();
            while (rs.next()) out.add(new Change(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
            return out;
        }
    }

    /** The workers that claimed each job, in claim order (a job never claimed is absent). */
    public Map<String, List<String>> claims() throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Change c : history()) {
            if (c.kind().equals("claimed")) out.computeIfAbsent(c.jobId(), id -> new ArrayList<>()).add(c.worker());
        }
        return out;
    }

    private void installHistory() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE test_job_history (
                        n      bigserial PRIMARY KEY,
                        job_id text NOT NULL,
                        kind   text NOT NULL,
                        status text NOT NULL,
                        worker text,
                        at     timestamptz NOT NULL DEFAULT clock_timestamp());
                    CREATE FUNCTION test_job_history() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP = 'INSERT' THEN
                            INSERT INTO test_job_history (job_id, kind, status) VALUES (NEW.id, 'created', NEW.status);
                            RETURN NEW;
                        END IF;
                        IF NEW.lease_owner IS NOT NULL AND NEW.lease_owner IS DISTINCT FROM OLD.lease_owner THEN
                            INSERT INTO test_job_history (job_id, kind, status, worker) VALUES (NEW.id, 'claimed', NEW.status, NEW.lease_owner);
                        END IF;
                        IF NEW.status IS DISTINCT FROM OLD.status THEN
                            INSERT INTO test_job_history (job_id, kind, status, worker)
                            VALUES (NEW.id, 'status', NEW.status, coalesce(NEW.lease_owner, OLD.lease_owner));
                        END IF;
                        RETURN NEW;
                    END $$;
                    CREATE TRIGGER test_job_history AFTER INSERT OR UPDATE ON mka1_jobs
                        FOR EACH ROW EXECUTE FUNCTION test_job_history();
                    """);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    }

    /** What each node printed (its log), for failure messages. */
    public String outputs() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) out.append("---- node").append(i + 1).append(":\n").append(nodes.get(i).output());
        return out.toString();
    }

    /** Kills every node still running (SIGKILL: the tests need no graceful stop). */
    @Override
    public void close() {
        nodes.forEach(ServerProcess::kill);
        if (blobs != null) blobs.close();
    }
}
