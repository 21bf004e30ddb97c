package com.mka1.core.jobs.store;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Claims of a job queue shared by several workers (on one or many servers). A worker claims a
 * job for a lease, renews the lease by heartbeat while it trains, and releases it when the run
 * ends. A job whose lease ran out (its worker died or lost the store) is claimable again, and the
 * next worker resumes it from its last durable training state. Lease times are the store's own
 * clock, so the servers' clocks need not agree.
 */
public interface JobLeases {
    /**
     * Claims the oldest job that is {@code queued}, or {@code running}/{@code pausing} with no live
     * lease, for {@code worker} until {@code lease} from now. Two workers never hold the same job.
     *
     * @return the claimed job's id, or empty when nothing is claimable
     */
    Optional<String> claimNext(String worker, Duration lease) throws IOException;

    /**
     * Extends {@code worker}'s lease on {@code jobId} to {@code lease} from now.
     *
     * @return false when the worker no longer holds the job (its lease ran out and another worker claimed it)
     */
    boolean renew(String jobId, String worker, Duration lease) throws IOException;

    /** Ends {@code worker}'s lease on {@code jobId} (nothing when it holds none). */
    void release(String jobId, String worker) throws IOException;

    /** The worker holding a live lease on {@code jobId}, if any. */
    Optional<String> holder(String jobId) throws IOException;
}
