package com.mka1.core.jobs;

import com.mka1.core.storage.blob.BlobStore;
import com.mka1.core.storage.blob.BlobTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A job's resumable training state ({@code stateDir}) copied through the shared blob store, so a
 * worker on another server resumes where the last one saved. Each upload is a complete set under
 * {@code jobs/<id>/state/<n>/}, and {@code jobs/<id>/state/LATEST} naming it is written last (the
 * commit point): a worker killed mid-upload leaves the previous set in force.
 */
final class TrainingStateSync {
    private static final Logger log = LoggerFactory.getLogger(TrainingStateSync.class);

    private final BlobStore blobs;

    TrainingStateSync(BlobStore blobs) {
        this.blobs = blobs;
    }

    private static String prefix(String jobId) {
        return "jobs/" + jobId + "/state/";
    }

    /** Uploads every file under {@code stateDir} as the job's latest state (nothing when it holds none). */
    void upload(String jobId, Path stateDir) throws IOException {
        if (!Files.isDirectory(stateDir)) return;
        String set = Long.toString(System.currentTimeMillis());
        int files = BlobTrees.upload(blobs, stateDir, prefix(jobId) + set + "/");
        if (files == 0) return;
        String previous = latest(jobId);
        blobs.put(prefix(jobId) + "LATEST", new ByteArrayInputStream(set.getBytes(StandardCharsets.UTF_8)));
        if (previous != null) {
            for (String key : blobs.list(prefix(jobId) + previous + "/")) blobs.delete(key);
        }
        log.debug("{}: training state uploaded ({} files)", jobId, files);
    }

    /**
     * Replaces {@code stateDir} with the job's latest uploaded state, when there is one and
     * {@code stateDir} holds nothing (state saved here is never older than what this server uploaded).
     */
    void download(String jobId, Path stateDir) throws IOException {
        if (Files.isDirectory(stateDir)) {
            try (Stream<Path> present = Files.list(stateDir)) {
                if (present.findAny().isPresent()) return;
            }
        }
        String set = latest(jobId);
        if (set == null) return;
        int files = BlobTrees.download(blobs, prefix(jobId) + set + "/", stateDir);
        log.info("{}: resuming from the training state another server saved ({} files)", jobId, files);
    }

    private String latest(String jobId) throws IOException {
        try (InputStream in = blobs.get(prefix(jobId) + "LATEST")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
