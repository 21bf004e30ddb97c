package com.mka1.core.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.Json;
import com.mka1.core.json.JsonCodec;
import com.mka1.core.storage.AtomicFiles;
import com.mka1.core.storage.FileTrees;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fine-tuned and checkpoint models shared with other servers through a {@link BlobStore}. A model
 * is published as its directory's files under {@code models/<name>/files/…}, then its record
 * {@code models/<name>/model.json} (the commit point: a model whose record is absent does not
 * exist), where {@code <name>} is the model id {@linkplain #escape escaped} into a key segment.
 * Removal deletes the record first. A node fetches a model it did not train into
 * {@code <cacheDir>/<name>/<published ms>/} with the same layout, the record again written last,
 * and keeps it while the shared record is the one it fetched (a directory per publication, so an
 * id deleted and used again never reaches a loaded model under the old copy's path).
 */
final class SharedModels {
    private static final Logger log = LoggerFactory.getLogger(SharedModels.class);
    private static final String ROOT = "models/";
    private static final String RECORD = "model.json";
    private static final String FILES = "files/";

    private final BlobStore blobs;
    private final Path cacheDir;
    private final Consumer<String> dropped;

    /** @param dropped told the id of a model whose copy here was removed or replaced (the inference cache drops it) */
    SharedModels(BlobStore blobs, Path cacheDir, Consumer<String> dropped) {
        this.blobs = blobs;
        this.cacheDir = cacheDir;
        this.dropped = dropped;
    }

    /**
     * A model as published: its entry (directory: where this node caches it) and when it was
     * published, in milliseconds (the shared list's order).
     */
    record Published(RegisteredModel model, long publishedMillis) {}

    /**
     * A model id as one key segment: letters, digits, {@code -.:} kept, every other character as
     * {@code _} and two hex digits per UTF-8 byte (so distinct ids never share a name).
     */
    static String escape(String id) {
        StringBuilder b = new StringBuilder();
        for (byte x : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == ':';
            if (keep && !(b.isEmpty() && c == '.')) b.append(c);
            else b.append('_').append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }

    private static String prefix(String id) {
        return ROOT + escape(id) + "/";
    }

    /** Where this node keeps its copy of the files of {@code id} as published at {@code publishedMillis}. */
    private Path cachedFiles(String id, long publishedMillis) {
        return cacheDir.resolve(escape(id)).resolve(Long.toString(publishedMillis)).resolve(FILES);
    }

    /** Whether {@code dir} is a copy fetched into this node's cache (never a directory a job wrote). */
    boolean isCache(Path dir) {
        return dir.toAbsolutePath().normalize().startsWith(cacheDir.toAbsolutePath().normalize());
    }

    /** The published record of {@code id}, if the model exists. */
    Optional<Published> record(String id) throws IOException {
        try (InputStream in = blobs.get(prefix(id) + RECORD)) {
            return Optional.of(read(in.readAllBytes(), id));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code id} is published. */
    boolean exists(String id) throws IOException {
        return blobs.exists(prefix(id) + RECORD);
    }

    /** Every published model, oldest first. */
    List<Published> list() throws IOException {
        List<Published> out = new ArrayList<>();
        for (String key : blobs.list(ROOT)) {
            String[] parts = key.substring(ROOT.length()).split("/");
            if (parts.length != 2 || !parts[1].equals(RECORD)) continue;
            try (InputStream in = blobs.get(key)) {
                out.add(read(in.readAllBytes(), null));
            } catch (NoSuchFileException e) {
                // removed since the listing
            }
        }
        out.sort(Comparator.comparingLong(Published::publishedMillis).thenComparing(p -> p.model().id()));
        return out;
    }

    /**
     * Uploads {@code model}'s directory, streamed file by file, then its record. Whatever an
     * earlier, interrupted publication of the same id left is removed first.
     */
    void publish(RegisteredModel model, long publishedMillis) throws IOException {
        String prefix = prefix(model.id());
        for (String stale : blobs.list(prefix)) blobs.delete(stale);
        int files = BlobTrees.upload(blobs, model.dir(), prefix + FILES);
        blobs.put(prefix + RECORD, new ByteArrayInputStream(Json.writeBytes(CODEC, new Published(model, publishedMillis))));
        log.info("published model {} ({} files) to the shared store", model.id(), files);
    }

    /** Removes {@code id} from the shared store (record first) and this node's cache; whether it was published. */
    boolean delete(String id) throws IOException {
        String prefix = prefix(id);
        boolean existed = blobs.exists(prefix + RECORD);
        blobs.delete(prefix + RECORD);
        for (String key : blobs.list(prefix)) blobs.delete(key);
        forget(id);
        return existed;
    }

    /** Drops this node's cached copy of {@code id}. */
    void forget(String id) throws IOException {
        dropped.accept(id);
        FileTrees.deleteTree(cacheDir.resolve(escape(id)));
    }

    /**
     * This node's copy of a published model, fetched when it has none or an outdated one (the id
     * deleted and used again). One fetch at a time: a second caller waits and finds it there.
     */
    synchronized RegisteredModel fetch(Published published) throws IOException {
        String id = published.model().id();
        Path dir = published.model().dir().getParent();
        Path record = dir.resolve(RECORD);
        byte[] expected = Json.writeBytes(CODEC, published);
        if (Files.isRegularFile(record) && Arrays.equals(Files.readAllBytes(record), expected)) return published.model();
        if (Files.exists(dir.getParent())) forget(id); // an older publication of this id, or a fetch cut short
        int files = BlobTrees.download(blobs, prefix(id) + FILES, dir.resolve(FILES));
        AtomicFiles.write(record, expected);
        log.info("fetched model {} ({} files) from the shared store", id, files);
        return published.model();
    }

    private Published read(byte[] json, String expectedId) {
        FieldReader r = FieldReader.of(Json.parse(json), "");
        String id = r.requiredString("id");
        if (expectedId != null && !expectedId.equals(id)) {
            throw new IllegalStateException("shared model record of " + expectedId + " names " + id);
        }
        long publishedMillis = r.longValue("published_ms");
        return new Published(ModelEntryJson.read(r, cachedFiles(id, publishedMillis)), publishedMillis);
    }

    /** The shared record: the entry's fields (no directory: each node has its own) and the publication time. */
    private static final JsonCodec<Published> CODEC = new JsonCodec<>() {
        @Override
        public void write(JsonGenerator g, Published p) throws IOException {
            g.writeStartObject();
            ModelEntryJson.writeFields(g, p.model());
            g.writeNumberField("published_ms", p.publishedMillis());
            g.writeEndObject();
        }

        @Override
        public Published read(JsonValue json) {
            throw new UnsupportedOperationException("read with SharedModels.read: the directory is this node's");
        }
    };
}
