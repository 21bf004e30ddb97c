package com.mka1.core.storage.blob;

import com.mka1.core.storage.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Blobs as files under one directory, key {@code a/b} at {@code <dir>/a/b}: the zero-setup default.
 * A put writes a temp file, fsyncs it and renames it over the target ({@link AtomicFiles}).
 */
public final class FileBlobStore implements BlobStore {
    private final Path dir;

    public FileBlobStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    private Path path(String key) {
        return dir.resolve(BlobKeys.check(key));
    }

    @Override
    public void put(String key, InputStream content) throws IOException {
        AtomicFiles.write(path(key), content::transferTo);
    }

    @Override
    public InputStream get(String key) throws IOException {
        Path p = path(key);
        if (!Files.isRegularFile(p)) throw new NoSuchFileException(key);
        return Files.newInputStream(p);
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !AtomicFiles.isTemp(p)).toList()) {
                String key = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                if (key.startsWith(prefix)) keys.add(key);
            }
        }
        keys.sort(null);
        return keys;
    }
}
