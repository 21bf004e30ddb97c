package com.mka1.core.tokenizer;

import com.mka1.api.JsonValue;
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
        JsonValue eos = JsonObject.read(file).raw("eos_token_id");
        return switch (eos) {
            case null -> new int[0];
            case JsonValue.Null n -> new int[0];
            case JsonValue.Num n -> new int[] {n.value().intValueExact()};
            case JsonValue.Arr(List<JsonValue> list) -> list.stream().mapToInt(x -> {
                if (!(x instanceof JsonValue.Num n)) {
                    throw new TokenizerFormatException(file + ": eos_token_id holds " + x + ", not a token id");
                }
                return n.value().intValueExact();
            }).toArray();
            default -> throw new TokenizerFormatException(file + ": eos_token_id is " + eos + " (an int or a list of ints is expected)");
        };
    }
}
