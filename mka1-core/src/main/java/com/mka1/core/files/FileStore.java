package com.mka1.core.files;

import com.mka1.core.storage.blob.BlobStore;
import com.mka1.api.Caller;
import com.mka1.api.ConflictException;
import com.mka1.api.InvalidRequestException;
import com.mka1.api.NotFoundException;
import com.mka1.api.Page;
import com.mka1.api.PayloadTooLargeException;
import com.mka1.api.ServerException;
import com.mka1.api.SortOrder;
import com.mka1.api.files.FileDeleted;
import com.mka1.api.files.FileListParams;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileStatus;
import com.mka1.api.files.FileUpload;
import com.mka1.core.storage.Ids;
import com.mka1.core.json.Json;
import com.mka1.core.paging.CursorPaging;
import com.mka1.core.storage.AtomicFiles;
import com.mka1.core.storage.StorageFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Files under one directory: {@code <id>.content} holds the bytes, {@code <id>.json} the
 * metadata. The metadata is written last, so it is the commit point: content without metadata
 * is a crashed upload and is removed on open. With a shared {@link BlobStore} (several servers),
 * every file is also put there ({@code files/<id>.content}, then {@code files/<id>.json}) before
 * it is committed here, and a file another server stored is found there, its content fetched
 * into this directory (a cache) the first time it is read; a read by id checks the shared
 * record, so a file deleted through another server is gone here at once. Thread-safe.
 */
public final class FileStore {
    private static final Logger log = LoggerFactory.getLogger(FileStore.class);
    private static final int MAX_FILENAME_LENGTH = 255;
    /** Where unreadable records are moved on open. */
    public static final String QUARANTINE = ".quarantine";

    private final Path dir;
    private final long maxUploadBytes;
    private final Clock clock;
    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final AtomicLong nextSeq = new AtomicLong();
    /** Files shared with other servers, or null (this directory is the only copy). */
    private final BlobStore shared;

    private FileStore(Path dir, long maxUploadBytes, Clock clock, BlobStore shared) {
        this.dir = dir;
        this.maxUploadBytes = maxUploadBytes;
        this.clock = clock;
        this.shared = shared;
    }

    /** Opens (and creates) the store in {@code dir}, loading every committed file. */
    public static FileStore open(Path dir, long maxUploadBytes, Clock clock) throws IOException {
        return open(dir, maxUploadBytes, clock, null);
    }

    /** As {@link #open(Path, long, Clock)}, sharing files with other servers through {@code shared} (null: none). */
    public static FileStore open(Path dir, long maxUploadBytes, Clock clock, BlobStore shared) throws IOException {
        if (maxUploadBytes <= 0) throw new IllegalArgumentException("maxUploadBytes must be positive: " + maxUploadBytes);
        Files.createDirectories(dir);
        FileStore store = new FileStore(dir, maxUploadBytes, clock, shared);
        store.load();
        return store;
    }

    /** The blob store files are shared through, or null (this directory is the only copy). */
    public BlobStore shared() {
        return shared;
    }

    private static String contentKey(String id) {
        return "files/" + id + ".content";
    }

    private static String metaKey(String id) {
        return "files/" + id + ".json";
    }

    /** A file another server stored, read from the shared store (null when it has none). */
    private StoredFile fetch(String id) {
        if (shared == null || !id.matches("file[-_A-Za-z0-9]+")) return null;
        try (InputStream in = shared.get(metaKey(id))) {
            StoredFile f = StoredFileCodec.INSTANCE.read(Json.parse(in.readAllBytes()));
            files.putIfAbsent(id, f);
            return f;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ServerException("Could not read " + id + " from the shared store: " + e.getMessage(), null, null, e);
        }
    }

    private void load() throws IOException {
        long maxSeq = -1;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (AtomicFiles.isTemp(p)) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(".json")) {
                    StoredFile f;
                    try {
                        f = StoredFileCodec.INSTANCE.read(Json.parse(Files.readAllBytes(p)));
                    } catch (RuntimeException e) { // never a reason to refuse to start
                        quarantine(p, e);
                        continue;
                    }
                    files.put(f.file().id(), f);
                    maxSeq = Math.max(maxSeq, f.seq());
                }
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.content")) {
            for (Path p : entries) {
                String id = p.getFileName().toString().replace(".content", "");
                if (!files.containsKey(id)) {
                    log.warn("removing {}: an upload that never committed", p);
                    Files.deleteIfExists(p);
                }
            }
        }
        nextSeq.set(maxSeq + 1);
        log.info("file store {}: {} files", dir, files.size());
    }

    /** Moves an unreadable record and its content to {@code .quarantine/}, for an operator to inspect. */
    private void quarantine(Path record, Exception cause) throws IOException {
        Path aside = Files.createDirectories(dir.resolve(QUARANTINE));
        String id = record.getFileName().toString().replace(".json", "");
        Files.move(record, aside.resolve(record.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        if (Files.exists(localContent(id))) {
            Files.move(localContent(id), aside.resolve(localContent(id).getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        log.error("quarantined unreadable file record {} (and its content) to {}: {}", record, aside, cause.toString());
    }

    /** Streams an upload to disk; over the size limit nothing is kept. */
    public FileObject upload(FileUpload upload, Caller caller) {
        if (!upload.purpose().uploadable()) {
            throw new InvalidRequestException("Files with purpose '" + upload.purpose().wireName()
                    + "' are written by jobs and cannot be uploaded.", "purpose", "invalid_value");
        }
        String filename = checkFilename(upload.filename());
        String id = Ids.newId("file");
        Path content = localContent(id);
        try {
            long bytes = copyLimited(upload.content(), content);
            return commit(id, filename, upload.purpose(), bytes, caller.endUserId());
        } catch (IOException e) {
            deleteQuietly(content);
            throw StorageFailures.toApi("Could not store upload " + filename, e);
        } catch (RuntimeException e) {
            deleteQuietly(content);
            throw e;
        }
    }

    /** Stores bytes produced by the engine (result files) for {@code owner}. */
    public FileObject storeGenerated(String filename, FilePurpose purpose, byte[] bytes, String owner) {
        String id = Ids.newId("file");
        try {
            AtomicFiles.write(localContent(id), bytes);
            return commit(id, filename, purpose, bytes.length, owner);
        } catch (IOException e) {
            deleteQuietly(localContent(id));
            throw StorageFailures.toApi("Could not store " + filename, e);
        }
    }

    /** Stores a file produced by the engine (an export) for {@code owner}, moving {@code source} into the store. */
    public FileObject storeGenerated(String filename, FilePurpose purpose, Path source, String owner) {
        String id = Ids.newId("file");
        try {
            long bytes = Files.size(source);
            Files.move(source, localContent(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return commit(id, filename, purpose, bytes, owner);
        } catch (IOException e) {
            deleteQuietly(localContent(id));
            throw StorageFailures.toApi("Could not store " + filename, e);
        }
    }

    private FileObject commit(String id, String filename, FilePurpose purpose, long bytes, String owner) throws IOException {
        FileObject file = new FileObject(id, bytes, clock.instant().getEpochSecond(), null, filename, purpose,
                FileStatus.PROCESSED, null);
        StoredFile stored = new StoredFile(file, owner, shared == null ? nextSeq.getAndIncrement() : clock.millis());
        byte[] meta = Json.writeBytes(StoredFileCodec.INSTANCE, stored);
        if (shared != null) { // content first, metadata last: the shared commit point, as here
            try (InputStream content = Files.newInputStream(localContent(id))) {
                shared.put(contentKey(id), content);
            }
            shared.put(metaKey(id), new java.io.ByteArrayInputStream(meta));
        }
        AtomicFiles.write(metaPath(id), meta);
        files.put(id, stored);
        log.info("stored {} ({} bytes, purpose {})", id, bytes, purpose.wireName());
        return file;
    }

    /** The file, if {@code caller} may see it; otherwise {@link NotFoundException}. */
    public FileObject retrieve(String id, Caller caller) {
        return visible(id, caller).file();
    }

    /**
     * Any caller's file by id (for the engine), or null. With a shared store its record there
     * decides (one existence check): a file deleted through another server is gone here at once.
     */
    public StoredFile find(String id) {
        if (id == null) return null;
        StoredFile f = files.get(id);
        if (shared == null) return f;
        if (f == null) return fetch(id);
        try {
            if (shared.exists(metaKey(id))) return f;
        } catch (IOException e) {
            throw new ServerException("Could not read " + id + " from the shared store: " + e.getMessage(), null, null, e);
        }
        forget(id);
        return null;
    }

    /** Drops a file another server deleted: its record and cached content here. */
    private void forget(String id) {
        files.remove(id);
        deleteQuietly(metaPath(id));
        deleteQuietly(dir.resolve(id + ".content"));
        log.info("{} was deleted through another server", id);
    }

    public Page<FileObject> list(FileListParams params, Caller caller) {
        if (shared != null) syncShared();
        Comparator<StoredFile> byAge = Comparator.comparingLong(StoredFile::seq);
        if (params.order() != SortOrder.ASC) byAge = byAge.reversed();
        List<FileObject> ordered = files.values().stream()
                .filter(f -> caller.canSee(f.owner()))
                .filter(f -> params.purpose() == null || f.file().purpose() == params.purpose())
                .sorted(byAge).map(StoredFile::file).toList();
        return CursorPaging.page(ordered, FileObject::id, params.limit(), params.after(), CursorPaging.FILES);
    }

    /** Opens the bytes; the caller closes the stream. */
    public InputStream content(String id, Caller caller) {
        visible(id, caller);
        try {
            return Files.newInputStream(contentPath(id));
        } catch (NoSuchFileException e) {
            throw notFound(id); // deleted since the lookup
        } catch (IOException e) {
            throw new ServerException("Could not read " + id + ": " + e.getMessage(), null, null, e);
        }
    }

    /** Takes in the files other servers stored and forgets those they deleted. */
    private void syncShared() {
        try {
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (String key : shared.list("files/")) {
                if (key.endsWith(".json")) ids.add(key.substring("files/".length(), key.length() - ".json".length()));
            }
            files.keySet().retainAll(ids);
            for (String id : ids) if (!files.containsKey(id)) fetch(id);
        } catch (IOException e) {
            throw new ServerException("Could not list the shared store: " + e.getMessage(), null, null, e);
        }
    }

    /** Where this directory keeps a file's bytes; for writes and local reads: never asks the shared store. */
    private Path localContent(String id) {
        return dir.resolve(id + ".content");
    }

    /**
     * Where a stored file's bytes are (the engine reads training files from here); a file another
     * server stored is fetched from the shared store first.
     */
    public Path contentPath(String id) {
        Path local = localContent(id);
        if (shared != null && !Files.exists(local) && find(id) != null) {
            try (InputStream in = shared.get(contentKey(id))) {
                AtomicFiles.write(local, in::transferTo);
            } catch (IOException e) {
                // names the store and the cause (a 500 that says the bucket is unreachable); a worker
                // sees its IOException cause and leaves the job to be claimed again
                throw StorageFailures.toApi("Could not fetch " + id + " from the shared store", e);
            }
        }
        return local;
    }

    /** Deletes a file unless {@code usage} names an active user of it. */
    public FileDeleted delete(String id, Caller caller, FileUsage usage) {
        visible(id, caller);
        usage.activeUser(id).ifPresent(user -> {
            throw new ConflictException("File " + id + " is in use by " + user + "; cancel the job or wait for it to finish.",
                    null, "file_in_use");
        });
        try {
            if (shared != null) {
                shared.delete(metaKey(id));
                shared.delete(contentKey(id));
            }
            Files.deleteIfExists(metaPath(id)); // the commit point goes first
            AtomicFiles.syncDirectory(dir);
            files.remove(id);
            Files.deleteIfExists(localContent(id));
        } catch (IOException e) {
            throw new ServerException("Could not delete " + id + ": " + e.getMessage(), null, null, e);
        }
        log.info("deleted {}", id);
        return new FileDeleted(id, true);
    }

    private StoredFile visible(String id, Caller caller) {
        StoredFile f = find(id);
        if (f == null || !caller.canSee(f.owner())) throw notFound(id);
        return f;
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("No such File object: " + id, "file_id", "file_not_found");
    }

    private Path metaPath(String id) {
        return dir.resolve(id + ".json");
    }

    private static String checkFilename(String filename) {
        if (filename.isBlank()) throw new InvalidRequestException("The uploaded file has no filename.", "file", "invalid_value");
        if (filename.length() > MAX_FILENAME_LENGTH) {
            throw new InvalidRequestException("Filename is longer than " + MAX_FILENAME_LENGTH + " characters.", "file", "invalid_value");
        }
        if (filename.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) { // ESC, NUL, newlines: never stored, never echoed
            throw new InvalidRequestException("The filename contains control characters.", "file", "invalid_value");
        }
        return filename;
    }

    /** Copies to {@code target} and fsyncs, failing as soon as the limit is passed (never buffering the whole body). */
    private long copyLimited(InputStream in, Path target) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = Channels.newOutputStream(ch)) {
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
                if (total > maxUploadBytes) {
                    throw new PayloadTooLargeException("File exceeds the upload limit of " + maxUploadBytes + " bytes.",
                            "file", "file_too_large");
                }
                out.write(buf, 0, n);
            }
            out.flush();
            ch.force(true);
        }
        return total;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", p, e.getMessage());
        }
    }
}
