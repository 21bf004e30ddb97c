package com.mka1.core.registry.tiny;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes an embedded model's directory once, atomically: safe when several processes race to create it. */
final class ModelDirectory {
    private static final Logger log = LoggerFactory.getLogger(ModelDirectory.class);

    /** Fills a fresh directory with a model's files. */
    @FunctionalInterface
    interface Writer {
        void write(Path dir) throws IOException;
    }

    private ModelDirectory() {}

    /**
     * Returns {@code <modelsDir>/<relativeDir>}, writing it first when it has no {@code model.safetensors}:
     * files go to a temporary directory that is renamed into place (a racing writer's copy is dropped).
     */
    static Path ensure(Path modelsDir, String relativeDir, String id, Writer writer) {
        Path dir = modelsDir.resolve(relativeDir);
        if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
            return dir;
        }
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + "-");
            writer.write(tmp);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                log.info("created the embedded model {} in {}", id, dir);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                deleteTree(tmp);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded model " + id + " in " + dir, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
