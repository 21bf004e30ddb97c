package com.mka1.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared} (models, tokenizers) for tests. Fails loudly when it is missing:
 * a test that needs it must never pass silently without it.
 */
public final class SharedDir {
    private SharedDir() {}

    public static Path root() {
        String prop = System.getProperty("mka1.shared.dir");
        Path dir = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("../shared not found (looked at " + dir.toAbsolutePath().normalize()
                    + "); it must sit beside the project root, or pass -Dmka1.shared.dir=DIR");
        }
        return dir.toAbsolutePath().normalize();
    }

    public static Path resolve(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing shared fixture: " + p);
        }
        return p;
    }
}
