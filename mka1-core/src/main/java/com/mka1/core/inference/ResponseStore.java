package com.mka1.core.inference;

import com.mka1.core.json.Json;
import com.mka1.core.storage.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Stored responses, one JSON file each under a directory, written with {@link AtomicFiles}. */
public final class ResponseStore {
    private static final Pattern ID = Pattern.compile("resp_[0-9a-f]{32}");

    private final Path dir;

    public ResponseStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the response store " + dir, e);
        }
    }

    public void save(StoredResponse stored) {
        try {
            AtomicFiles.write(file(stored.response().id()), Json.writeBytes(StoredResponseCodec.INSTANCE, stored));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store response " + stored.response().id(), e);
        }
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
