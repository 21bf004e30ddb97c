package com.mka1.core.jobs.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How a server's workers hold jobs of a shared queue ({@link JobLeases}).
 *
 * @param workerId  this server's name in leases (its threads add {@code -1}, {@code -2}, ...); unique per server
 * @param lease     how long a claim lives without a heartbeat: a dead worker's job waits this long for another
 * @param heartbeat how often a running job's lease is renewed (and pause/cancel from other servers looked for)
 * @param poll      how often an idle worker asks the queue for work
 */
public record LeaseSettings(String workerId, Duration lease, Duration heartbeat, Duration poll) {
    public LeaseSettings {
        Objects.requireNonNull(workerId, "workerId");
        if (heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("the heartbeat (" + heartbeat + ") must be shorter than the lease (" + lease + ")");
        }
        if (poll.isNegative() || poll.isZero()) throw new IllegalArgumentException("poll must be positive: " + poll);
    }

    /** A 30 s lease renewed every 10 s, idle workers polling every second. */
    public static LeaseSettings defaults(String workerId) {
        return new LeaseSettings(workerId, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(1));
    }
}
