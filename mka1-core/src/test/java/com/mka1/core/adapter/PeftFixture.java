package com.mka1.core.adapter;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One adapter of {@code ../shared/adapters/stories260k/} with what PEFT 0.21 computed from it:
 * per prompt, the greedy ids and the float64 logits of every position (teacher forced).
 */
public record PeftFixture(String variant, Path dir, List<Prompt> prompts) {
    public static final String ROOT = "adapters/stories260k";

    /** A prompt, PEFT's 24 greedy ids after it, and logits {@code [prompt + 24, vocab]} row-major. */
    public record Prompt(int[] promptIds, int[] greedyIds, double[] logits) {
        public int[] sequence() {
            int[] all = java.util.Arrays.copyOf(promptIds, promptIds.length + greedyIds.length);
            System.arraycopy(greedyIds, 0, all, promptIds.length, greedyIds.length);
            return all;
        }
    }

    /** Every variant directory, sorted by name. */
    public static List<String> variants() {
        try (Stream<Path> dirs = Files.list(SharedDir.resolve(ROOT))) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PeftFixture load(String variant) {
        Path dir = SharedDir.resolve(ROOT + "/" + variant);
        try {
            JsonValue.Obj ref = Json.parseObject(Files.readAllBytes(dir.resolve("reference.json")), "reference.json");
            Map<String, double[]> logits = readF64(dir.resolve("ref_logits.safetensors"));
            List<Prompt> prompts = new ArrayList<>();
            List<JsonValue> list = ((JsonValue.Arr) ref.get("prompts")).items();
            for (int i = 0; i < list.size(); i++) {
                JsonValue.Obj p = (JsonValue.Obj) list.get(i);
                prompts.add(new Prompt(ints(p.get("prompt_ids")), ints(p.get("greedy_ids")), logits.get("logits_" + i)));
            }
            return new PeftFixture(variant, dir, List.copyOf(prompts));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON array of whole numbers. */
    public static int[] ints(JsonValue list) {
        return ((JsonValue.Arr) list).items().stream().mapToInt(o -> Json.integerOrNull(o).intValue()).toArray();
    }

    /** The F64 tensors of a safetensors file (the engine's reader takes F32/F16/BF16 only). */
    static Map<String, double[]> readF64(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) bytes.getLong(0);
        byte[] header = new byte[headerLength];
        bytes.get(8, header);
        Map<String, double[]> out = new java.util.LinkedHashMap<>();
        for (var e : Json.parseObject(header, file.toString()).fields().entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            JsonValue.Obj info = (JsonValue.Obj) e.getValue();
            if (!(info.get("dtype") instanceof JsonValue.Str(String dtype) && dtype.equals("F64"))) {
                throw new IllegalStateException(e.getKey() + " is not F64");
            }
            List<JsonValue> offsets = ((JsonValue.Arr) info.get("data_offsets")).items();
            long begin = Json.integerOrNull(offsets.get(0)), end = Json.integerOrNull(offsets.get(1));
            double[] values = new double[(int) ((end - begin) / 8)];
            for (int i = 0; i < values.length; i++) values[i] = bytes.getDouble((int) (8 + headerLength + begin + 8L * i));
            out.put(e.getKey(), values);
        }
        return out;
    }
}
