package com.mka1.server.cli;

import java.nio.file.Path;

/** Where local models live for in-process commands: --models-dir, MKA1_MODELS_DIR, or &lt;data-dir&gt;/models as the server resolves it. */
final class ModelsDirectory {
    private ModelsDirectory() {}

    static Path resolve(CommandContext context) {
        String dir = context.options().get("models-dir");
        if (dir == null) {
            dir = context.env().get("MKA1_MODELS_DIR");
        }
        if (dir != null) {
            return Path.of(dir).toAbsolutePath().normalize();
        }
        String data = context.options().get("data-dir");
        if (data == null) {
            data = context.env().getOrDefault("MKA1_DATA_DIR", "work-data");
        }
        return Path.of(data).toAbsolutePath().normalize().resolve("models");
    }
}
