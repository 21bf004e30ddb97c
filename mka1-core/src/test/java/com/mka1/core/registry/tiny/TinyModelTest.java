package com.mka1.core.registry.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyModelTest {
    @TempDir
    Path models;

    @Test
    void writesTheHuggingFaceLayoutOnceAndDeterministically() throws IOException {
        Path dir = TinyModel.ensure(models);
        assertThat(dir).isEqualTo(models.resolve("mka1").resolve("tiny-random"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json");
        }
        byte[] first = Files.readAllBytes(dir.resolve("model.safetensors"));
        Path other = Files.createDirectories(models.resolve("again"));
        TinyModel.write(other);
        assertThat(Files.readAllBytes(other.resolve("model.safetensors"))).isEqualTo(first);
        long modified = Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis();
        assertThat(TinyModel.ensure(models)).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis()).isEqualTo(modified);
    }

    @Test
    void configDescribesAGroupedQueryLlama() throws IOException {
        Map<String, Object> config = object(Files.readString(TinyModel.ensure(models).resolve("config.json")));
        assertThat(config).containsEntry("model_type", "llama").containsEntry("hidden_size", 128L)
                .containsEntry("num_hidden_layers", 4L).containsEntry("num_attention_heads", 4L)
                .containsEntry("num_key_value_heads", 2L).containsEntry("vocab_size", 259L)
                .containsEntry("intermediate_size", 352L).containsEntry("tie_word_embeddings", true)
                .containsEntry("eos_token_id", 258L).containsEntry("mka1_random_init", true);
    }

    @Test
    void safetensorsHoldEveryWeightDrawnFromTheSeed() throws IOException {
        byte[] file = Files.readAllBytes(TinyModel.ensure(models).resolve("model.safetensors"));
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong(0);
        assertThat(headerLength % 8).isZero();
        Map<String, Object> header = object(new String(file, 8, (int) headerLength, StandardCharsets.UTF_8));
        assertThat(header).hasSize(1 + 1 + 4 * 9 + 1);
        Map<String, Object> embed = object(header.get("model.embed_tokens.weight"));
        assertThat(embed.get("dtype")).isEqualTo("F32");
        assertThat(embed.get("shape")).isEqualTo(List.of(259L, 128L));
        Map<String, Object> k = object(header.get("model.layers.2.self_attn.k_proj.weight"));
        assertThat(k.get("shape")).isEqualTo(List.of(64L, 128L));
        long totalFloats = 259L * 128 + 128 + 4L * (128 * 128 * 2 + 64 * 128 * 2 + 3 * 352 * 128 + 2 * 128);
        assertThat(file.length).isEqualTo(8 + headerLength + 4 * totalFloats);

        // the embedding is the first draw from the seed
        long start = (Long) ((List<?>) embed.get("data_offsets")).getFirst();
        Random random = new Random(TinyModel.SEED);
        for (int i = 0; i < 5; i++) {
            float expected = (float) random.nextGaussian() * 0.02f;
            assertThat(buf.getFloat((int) (8 + headerLength + start + 4L * i))).isEqualTo(expected);
        }
        Map<String, Object> norm = object(header.get("model.norm.weight"));
        long normStart = (Long) ((List<?>) norm.get("data_offsets")).getFirst();
        assertThat(buf.getFloat((int) (8 + headerLength + normStart))).isEqualTo(1f);
    }

    @Test
    void tokenizerIsOneTokenPerByteWithChatMlSpecials() throws IOException {
        Path dir = TinyModel.ensure(models);
        Map<String, Object> tok = object(Files.readString(dir.resolve("tokenizer.json")));
        Map<String, Object> vocab = object(object(tok.get("model")).get("vocab"));
        assertThat(vocab).hasSize(256).containsEntry("H", 72L).containsEntry("\u0120", 32L).containsEntry("\u010A", 10L)
                .containsEntry("\u00FF", 255L).containsEntry("\u0100", 0L);
        assertThat(((List<?>) tok.get("added_tokens"))).extracting(t -> (Object) ((Map<?, ?>) t).get("content"))
                .containsExactly("<|endoftext|>", "<|im_start|>", "<|im_end|>");
        Map<String, Object> config = object(Files.readString(dir.resolve("tokenizer_config.json")));
        assertThat(config.get("eos_token")).isEqualTo("<|im_end|>");
        assertThat((String) config.get("chat_template")).contains("<|im_start|>assistant\\n");
    }

    /** A JSON document as plain Java values: maps, lists, strings, longs, doubles, booleans. */
    private static Map<String, Object> object(String json) {
        return object(plain(Json.parse(json)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    private static Object plain(JsonValue v) {
        return switch (v) {
            case JsonValue.Null n -> null;
            case JsonValue.Str s -> s.value();
            case JsonValue.Bool b -> b.value();
            case JsonValue.Num n -> n.value().stripTrailingZeros().scale() <= 0 ? (Object) n.value().longValueExact() : n.value().doubleValue();
            case JsonValue.Arr a -> a.items().stream().map(TinyModelTest::plain).toList();
            case JsonValue.Obj o -> {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                o.fields().forEach((k, x) -> m.put(k, plain(x)));
                yield m;
            }
        };
    }
}
