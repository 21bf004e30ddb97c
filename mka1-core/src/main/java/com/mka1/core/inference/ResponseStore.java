package com.mka1.core.inference;

import com.mka1.core.json.Json;
import com.mka1.core.storage.AtomicFiles;
import com.mka1.core.storage.StorageFailures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored responses, one JSON file each under a directory, written with {@link AtomicFiles}, kept
 * for the retention period: older ones are removed when the store opens and then at most once an
 * hour, as responses are saved.
 */
public final class ResponseStore {
    private static final Logger log = LoggerFactory.getLogger(ResponseStore.class);
    private static final Pattern ID = Pattern.compile("resp_[0-9a-f]{32}");
    private static final Duration SWEEP_EVERY = Duration.ofHours(1);

    private final Path dir;
    private final Duration retention;
    private final Clock clock;
    private Instant lastSweep;

    public ResponseStore(Path dir) {
        this(dir, Duration.ofDays(30), Clock.systemUTC());
    }

    /** @param retention how long a stored response is kept after it was written */
    public ResponseStore(Path dir, Duration retention, Clock clock) {
        this.dir = dir;
        this.retention = retention;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the response store " + dir, e);
        }
        sweep();
    }

    public void save(StoredResponse stored) {
        try {
            AtomicFiles.write(file(stored.response().id()), Json.writeBytes(StoredResponseCodec.INSTANCE, stored));
        } catch (IOException e) {
            throw StorageFailures.toApi("Could not store response " + stored.response().id(), e);
        }
        synchronized (this) {
            if (Duration.between(lastSweep, clock.instant()).compareTo(SWEEP_EVERY) < 0) return;
        }
        sweep();
    }

    /** Removes the stored response; false when there was none. */
    public boolean delete(String id) {
        if (id == null || !ID.matcher(id).matches()) return false;
        try {
            return Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw StorageFailures.toApi("Could not delete response " + id, e);
        }
    }

    /** Removes the responses written before the retention period, and temp files of interrupted writes. */
    void sweep() {
        Instant now = clock.instant();
        synchronized (this) {
            lastSweep = now;
        }
        Instant cutoff = now.minus(retention);
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (AtomicFiles.isTemp(p) || Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
        } catch (IOException e) {
            log.warn("could not sweep the response store {}: {}", dir, e.toString());
        }
        if (removed > 0) log.info("removed {} stored responses older than {}", removed, retention);
    }

    /** The stored response, or empty when the id is unknown (or not a response id at all). */
    public Optional<StoredResponse> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path file = file(id);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoredResponseCodec.INSTANCE.read(Json.parse(Files.readAllBytes(file))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stored response " + id, e);
        }
    }

    private Path file(String id) {
        return dir.resolve(id + ".json");
    }
}
