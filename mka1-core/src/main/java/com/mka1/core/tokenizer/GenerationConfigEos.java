package com.mka1.core.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code eos_token_id} of a model's generation_config.json (an int or a list): every id that ends generation. */
final class GenerationConfigEos {
    private GenerationConfigEos() {}

    static int[] read(Path modelDir) {
        Path file = modelDir.resolve("generation_config.json");
        if (!Files.exists(file)) {
            return new int[0];
        }
        Object eos = JsonObject.read(file).raw("eos_token_id");
        return switch (eos) {
            case null -> new int[0];
            case Number n -> new int[] {n.intValue()};
            case List<?> list -> list.stream().mapToInt(x -> {
                if (!(x instanceof Number n)) {
                    throw new TokenizerFormatException(file + ": eos_token_id holds " + x + ", not a token id");
                }
                return n.intValue();
            }).toArray();
            default -> throw new TokenizerFormatException(file + ": eos_token_id is " + eos + " (an int or a list of ints is expected)");
        };
    }
}
