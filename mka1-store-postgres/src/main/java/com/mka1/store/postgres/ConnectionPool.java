package com.mka1.store.postgres;

import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small fixed-size pool of JDBC connections: at most {@code size} open at once, an idle one is
 * checked ({@link Connection#isValid}) before reuse and replaced when the database dropped it.
 * Small on purpose: a server's job traffic is a few short transactions per training step.
 */
final class ConnectionPool implements AutoCloseable {
    private static final int WAIT_SECONDS = 30;

    private final PostgresUrl url;
    private final Driver driver = new Driver();
    private final Semaphore permits;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private volatile boolean closed;

    ConnectionPool(PostgresUrl url, int size) {
        this.url = url;
        this.permits = new Semaphore(size, true);
    }

    /** A connection in manual-commit mode; return it with {@link #release}. */
    Connection acquire() throws SQLException {
        if (closed) throw new SQLException("the connection pool is closed");
        try {
            if (!permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLException("no database connection free within " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted waiting for a database connection", e);
        }
        try {
            Connection c;
            while ((c = poll()) != null) {
                if (c.isValid(2)) return c;
                closeQuietly(c);
            }
            c = driver.connect(url.jdbcUrl(), url.properties());
            if (c == null) throw new SQLException("the driver does not accept " + url);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Returns {@code c}; a connection whose state is unknown (after an error) is closed instead. */
    void release(Connection c, boolean healthy) {
        if (healthy && !closed) {
            synchronized (idle) {
                idle.push(c);
            }
        } else {
            closeQuietly(c);
        }
        permits.release();
    }

    private Connection poll() {
        synchronized (idle) {
            return idle.poll();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken: nothing to keep
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = poll()) != null) closeQuietly(c);
    }
}
