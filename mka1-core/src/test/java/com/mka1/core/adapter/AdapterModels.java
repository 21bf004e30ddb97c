package com.mka1.core.adapter;

import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A models directory as a user lays it out: {@code stories260k/} (served as {@code
 * local:stories260k}) and PEFT adapter directories under {@code peft/<variant>/} (served as {@code
 * peft:<variant>}), each naming its base only by {@code base_model_name_or_path: "stories260k"}.
 */
public final class AdapterModels {
    private AdapterModels() {}

    public static String id(String variant) {
        return "peft:" + variant;
    }

    /** Copies the base and {@code adapterDir} into {@code root/models} and opens a registry over it. */
    public static ModelRegistry registry(Path root, PeftFixture fx) throws IOException {
        Path models = layout(root.resolve("models"), fx.dir());
        return ModelRegistry.open(models, root.resolve("models.json"));
    }

    /** Copies stories260k and the adapter (its two PEFT files) into {@code models}; returns it. */
    public static Path layout(Path models, Path adapterDir) {
        copyTree(SharedDir.resolve("models/stories260k"), models.resolve("stories260k"));
        Path target = models.resolve("peft").resolve(adapterDir.getFileName().toString());
        copyTree(adapterDir, target);
        return models;
    }

    public static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("ref_") || name.equals("reference.json") || name.endsWith(".bin") || name.endsWith(".model")) continue;
                Files.copy(f, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
