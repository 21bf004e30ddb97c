package com.mka1.core.storage.blob;

import com.mka1.core.storage.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Directory trees copied to and from a {@link BlobStore}, a file at a time, each streamed. */
public final class BlobTrees {
    private BlobTrees() {}

    /** Puts every file under {@code dir} (temp files left by an interrupted write aside) at {@code prefix + its relative path}; returns how many. */
    public static int upload(BlobStore blobs, Path dir, String prefix) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !AtomicFiles.isTemp(p)).sorted().toList();
        }
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                blobs.put(prefix + dir.relativize(f).toString().replace('\\', '/'), in);
            }
        }
        return files.size();
    }

    /** Writes every object under {@code prefix} to {@code dir} at its key less the prefix, each file atomically; returns how many. */
    public static int download(BlobStore blobs, String prefix, Path dir) throws IOException {
        List<String> keys = blobs.list(prefix);
        for (String key : keys) {
            try (InputStream in = blobs.get(key)) {
                AtomicFiles.write(dir.resolve(key.substring(prefix.length())), in::transferTo);
            }
        }
        return keys.size();
    }
}
