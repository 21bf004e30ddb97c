package com.mka1.core.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * Where bytes live that every server must read: uploaded files, checkpoints, adapters and
 * resumable training state. Content is streamed both ways, never held whole in memory. A put is
 * atomic: readers see the previous object or the complete new one. Keys are {@code /}-separated
 * relative names ({@link BlobKeys#check}). The default is {@link FileBlobStore} (a directory); a
 * shared store (S3, module {@code mka1-store-s3}) lets any server answer any call.
 */
public interface BlobStore {
    /** Stores {@code content} (read to its end, not closed) under {@code key}, replacing any object there. */
    void put(String key, InputStream content) throws IOException;

    /**
     * Opens the object under {@code key} for reading; the caller closes the stream.
     *
     * @throws NoSuchFileException there is no such object
     */
    InputStream get(String key) throws IOException;

    /** Whether an object exists under {@code key}. */
    boolean exists(String key) throws IOException;

    /** Removes the object under {@code key}; nothing when there is none. */
    void delete(String key) throws IOException;

    /** The keys that start with {@code prefix}, sorted. */
    List<String> list(String prefix) throws IOException;
}
