package com.mka1.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code test:tools}: the embedded mka1:tiny with a 2048-token context, so a prompt that lists tools
 * (the built-in tools block alone is some 400 byte tokens) fits. Its own template ignores tools, so
 * tool conversations render in the built-in ChatML form with Hermes {@code <tool_call>} calls.
 */
public final class ToolsModel {
    public static final String ID = "test:tools";

    private ToolsModel() {}

    /** Copies {@code <models>/mka1/tiny} (written when the engine starts) to {@code <models>/test/tools}. */
    public static void install(Path modelsDir) {
        try {
            Path tiny = modelsDir.resolve("mka1/tiny");
            Path dir = Files.createDirectories(modelsDir.resolve("test/tools"));
            try (var files = Files.list(tiny)) {
                for (Path f : files.toList()) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, dir.resolve(f.getFileName().toString()));
                    }
                }
            }
            String config = Files.readString(dir.resolve("config.json"));
            String longer = config.replaceFirst("\"max_position_embeddings\"\\s*:\\s*\\d+", "\"max_position_embeddings\": 2048");
            if (longer.equals(config)) {
                throw new IllegalStateException("mka1:tiny's config.json names no max_position_embeddings: " + config);
            }
            Files.writeString(dir.resolve("config.json"), longer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
