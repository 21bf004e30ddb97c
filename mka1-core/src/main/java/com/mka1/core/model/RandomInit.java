package com.mka1.core.model;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The marker a model directory's {@code config.json} carries when its weights were drawn at random
 * and never pre-trained ({@code "mka1_random_init": true}, written by the engine's random test
 * model). Other tools ignore the extra field; the trainer reads it to warn that LoRA on such a base
 * cannot learn much.
 */
public final class RandomInit {
    /** The config.json field. */
    public static final String CONFIG_FIELD = "mka1_random_init";

    private RandomInit() {}

    /** Whether {@code modelDir/config.json} says its weights are random. */
    public static boolean marked(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        try {
            JsonValue.Obj config = Json.parseObject(Files.readAllBytes(file), file.toString());
            return Json.field(config, CONFIG_FIELD) instanceof JsonValue.Bool(boolean random) && random;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
