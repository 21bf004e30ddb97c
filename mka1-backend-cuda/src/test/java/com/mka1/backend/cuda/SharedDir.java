package com.mka1.backend.cuda;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared} (models, tokenizers) for tests, failing loudly when it is missing:
 * a test that needs it must never pass silently without it (mka1-core's pattern).
 */
final class SharedDir {
    private SharedDir() {}

    static Path resolve(String relative) {
        String prop = System.getProperty("mka1.shared.dir");
        Path dir = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("../shared not found (looked at " + dir.toAbsolutePath().normalize()
                    + "); it must sit beside the project root, or pass -Dmka1.shared.dir=DIR");
        }
        Path p = dir.resolve(relative).toAbsolutePath().normalize();
        if (!Files.exists(p)) throw new IllegalStateException("missing shared fixture: " + p);
        return p;
    }
}
