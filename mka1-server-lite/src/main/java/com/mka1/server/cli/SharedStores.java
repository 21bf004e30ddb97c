package com.mka1.server.cli;

import com.mka1.core.EmbeddedMka1;
import com.mka1.core.jobs.store.LeaseSettings;
import com.mka1.server.config.ServerConfig;
import com.mka1.store.postgres.PostgresJobStore;
import com.mka1.store.postgres.PostgresUrl;
import com.mka1.store.s3.S3BlobStore;
import com.mka1.store.s3.S3Location;
import com.mka1.store.s3.S3Settings;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The stores {@code mka1 serve --database/--blobs} shares with other servers (docs/scale-out.md):
 * job state and the queue on PostgreSQL, files on S3. Either may be absent (the data directory
 * keeps it); both are closed after the engine.
 */
final class SharedStores implements AutoCloseable {
    /** Connections per server: a few short transactions per training step and API call. */
    private static final int POOL_SIZE = 8;

    private final PostgresJobStore jobs;
    private final S3BlobStore blobs;
    private final LeaseSettings leases;

    private SharedStores(PostgresJobStore jobs, S3BlobStore blobs, LeaseSettings leases) {
        this.jobs = jobs;
        this.blobs = blobs;
        this.leases = leases;
    }

    static SharedStores open(ServerConfig config, Map<String, String> env) {
        ServerConfig.Scale scale = config.scale();
        PostgresJobStore jobs = null;
        S3BlobStore blobs = null;
        String flag = "--database ";
        try {
            if (scale.database() != null) {
                jobs = PostgresJobStore.open(PostgresUrl.parse(scale.database(), env.get("PGPASSWORD")), POOL_SIZE,
                        config.dataDir().resolve("scratch"));
            }
            flag = "--blobs ";
            if (scale.blobs() != null) {
                blobs = S3BlobStore.open(S3Location.parse(scale.blobs()), S3Settings.fromEnvironment(env));
            }
        } catch (IOException | IllegalArgumentException e) {
            if (jobs != null) jobs.close();
            throw new CliException(flag + e.getMessage());
        }
        Duration lease = Duration.ofSeconds(scale.leaseSeconds());
        return new SharedStores(jobs, blobs, new LeaseSettings(scale.workerId(), lease, lease.dividedBy(3),
                Duration.ofSeconds(1)));
    }

    boolean any() {
        return jobs != null || blobs != null;
    }

    void configure(EmbeddedMka1.Builder builder) {
        if (jobs != null) builder.jobStore(jobs, leases);
        if (blobs != null) builder.blobs(blobs);
    }

    @Override
    public void close() {
        if (jobs != null) jobs.close();
        if (blobs != null) blobs.close();
    }
}
