package com.mka1.core.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Whether the data directory takes writes: a small file written and fsynced, then removed,
 * at most once per {@link #RECHECK_MILLIS}. A server that starts on a full disk runs
 * read-only (reads answer, writes answer 507) and leaves that mode by itself once space is freed.
 */
public final class DiskState {
    public static final long RECHECK_MILLIS = 2_000;
    private static final int PROBE_BYTES = 64 * 1024;

    private final Path dir;
    private final Clock clock;
    private long checkedAt;
    private boolean checked;
    private boolean writable;

    public DiskState(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** Whether a write of a small record would succeed now (checked at most every {@link #RECHECK_MILLIS}). */
    public synchronized boolean writable() {
        long now = clock.millis();
        if (!checked || now - checkedAt >= RECHECK_MILLIS || now < checkedAt) {
            writable = probe();
            checkedAt = now;
            checked = true;
        }
        return writable;
    }

    private boolean probe() {
        Path probe = dir.resolve(".write-probe" + AtomicFiles.TEMP_SUFFIX);
        try {
            AtomicFiles.write(probe, new byte[PROBE_BYTES]);
            Files.deleteIfExists(probe);
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // nothing more to do on a disk that refuses writes
            }
            return false;
        }
    }
}
