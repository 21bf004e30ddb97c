package com.mka1.core.model;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.testing.SharedDir;
import com.mka1.core.model.PackedBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One folder of {@code ../shared/models/arch}: a tiny random-weight checkpoint with transformers
 * 5.17's greedy ids and float64 teacher-forced logits for three prompts (see that folder's README).
 */
public record ArchFixture(String name, Path dir, List<Prompt> prompts) {
    /** A prompt, transformers' 24 greedy ids after it, and the logits of every row of prompt + greedy ids. */
    public record Prompt(int[] promptIds, int[] greedyIds, float[] logits) {
        /** prompt + greedy ids as one packed row, targets the next token (-1 at the end). */
        public PackedBatch teacherForced() {
            int n = promptIds.length + greedyIds.length;
            int[] tokens = new int[n], targets = new int[n], positions = new int[n];
            System.arraycopy(promptIds, 0, tokens, 0, promptIds.length);
            System.arraycopy(greedyIds, 0, tokens, promptIds.length, greedyIds.length);
            for (int i = 0; i < n; i++) {
                positions[i] = i;
                targets[i] = i + 1 < n ? tokens[i + 1] : -1;
            }
            return new PackedBatch(1, n, tokens, targets, positions, new int[n]);
        }
    }

    public static final Path ROOT = SharedDir.resolve("models/arch");

    /** Every folder name, sorted. */
    public static List<String> names() {
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a folder's references; {@code logitsFile} is ref_logits.safetensors or (gemma2) ref_logits_eager.safetensors. */
    public static ArchFixture load(String name, String logitsFile) {
        Path dir = ROOT.resolve(name);
        try (SafetensorsReader logits = SafetensorsReader.openFiles(List.of(dir.resolve(logitsFile)))) {
            JsonValue.Obj ref = Json.parseObject(Files.readAllBytes(dir.resolve("reference.json")), name);
            List<Prompt> prompts = new ArrayList<>();
            int i = 0;
            for (JsonValue o : ((JsonValue.Arr) ref.get("prompts")).items()) {
                JsonValue.Obj p = (JsonValue.Obj) o;
                prompts.add(new Prompt(ints(p.get("prompt_ids")), ints(p.get("greedy_ids")), logits.readFloats("prompt" + i++)));
            }
            return new ArchFixture(name, dir, prompts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The logits file an engine with attention soft-capping must match (only gemma2 has an eager one). */
    public static String logitsFileFor(String name) {
        return Files.exists(ROOT.resolve(name).resolve("ref_logits_eager.safetensors")) ? "ref_logits_eager.safetensors"
                : "ref_logits.safetensors";
    }

    private static int[] ints(JsonValue list) {
        return ((JsonValue.Arr) list).items().stream().mapToInt(o -> ((JsonValue.Num) o).value().intValueExact()).toArray();
    }

    /** Largest absolute difference. */
    public static double maxAbsError(float[] actual, float[] expected) {
        if (actual.length != expected.length) throw new AssertionError(actual.length + " values, expected " + expected.length);
        double max = 0;
        for (int i = 0; i < actual.length; i++) max = Math.max(max, Math.abs((double) actual[i] - expected[i]));
        return max;
    }

    /** 24 greedy ids with the KV cache: the prompt as one prefill, then one token per step. */
    public static int[] greedyWithCache(LlamaModel model, int[] prompt, int steps) {
        int vocab = model.config().vocabSize();
        int[] out = new int[steps];
        try (KvCache cache = model.newKvCache(prompt.length + steps)) {
            float[] logits = model.nextTokenLogits(prompt, cache);
            for (int s = 0; s < steps; s++) {
                out[s] = argmax(logits, vocab);
                if (s + 1 < steps) logits = model.nextTokenLogits(new int[] {out[s]}, cache);
            }
        }
        return out;
    }

    private static int argmax(float[] logits, int vocab) {
        int best = 0;
        for (int j = 1; j < vocab; j++) if (logits[j] > logits[best]) best = j;
        return best;
    }
}
