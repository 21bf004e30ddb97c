package com.mka1.store.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The module's tables, created and migrated on open. Migrations are numbered and applied in order
 * under a transaction-scoped advisory lock, so servers starting together never race.
 * Records are the engine's JSON ({@code JobJson}), kept as text; events are keyed (job, seq) and
 * checkpoints (job, step), so a retried insert is a no-op.
 */
final class Schema {
    private static final Logger log = LoggerFactory.getLogger(Schema.class);
    /** pg_advisory_xact_lock key: "mka1" in ASCII. */
    private static final long LOCK = 0x6d6b6131L;

    static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE mka1_jobs (
                id          text PRIMARY KEY,
                seq         bigint NOT NULL,
                version     bigint NOT NULL,
                status      text NOT NULL,
                record      text NOT NULL,
                lease_owner text,
                lease_until timestamptz);
            CREATE INDEX mka1_jobs_claimable ON mka1_jobs (seq, id) WHERE status IN ('queued', 'running', 'pausing');
            CREATE TABLE mka1_job_events (
                job_id text NOT NULL REFERENCES mka1_jobs (id) ON DELETE CASCADE,
                seq    integer NOT NULL,
                body   text NOT NULL,
                PRIMARY KEY (job_id, seq));
            CREATE TABLE mka1_job_checkpoints (
                job_id text NOT NULL REFERENCES mka1_jobs (id) ON DELETE CASCADE,
                step   integer NOT NULL,
                body   text NOT NULL,
                PRIMARY KEY (job_id, step));
            """);

    private Schema() {}

    /** Brings the database to the latest schema; returns the version it was at. */
    static int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS mka1_schema_version (version integer NOT NULL)");
            int current;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM mka1_schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > MIGRATIONS.size()) {
                throw new SQLException("the database schema is at version " + current + ", newer than this server's "
                        + MIGRATIONS.size() + ": upgrade the server");
            }
            for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                s.execute(MIGRATIONS.get(v - 1));
                s.execute("INSERT INTO mka1_schema_version VALUES (" + v + ")");
                log.info("database schema migrated to version {}", v);
            }
            c.commit();
            return current;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }
}
