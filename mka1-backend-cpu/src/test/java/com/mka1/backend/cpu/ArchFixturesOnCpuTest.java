package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.KvCache;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.core.model.PackedBatch;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every checkpoint of {@code ../shared/models/arch} (each family, both config dialects) on this
 * backend against transformers 5.17: teacher-forced logits within 1e-4 of its float64 logits
 * (gemma2: of the eager file, which applies attention soft-capping), and greedy ids with the KV
 * cache identical. Fails when ../shared is missing.
 */
class ArchFixturesOnCpuTest {
    private static Path root() {
        String prop = System.getProperty("mka1.shared.dir");
        Path dir = (prop != null ? Path.of(prop) : Path.of("..", "..", "shared")).resolve("models/arch");
        if (!Files.isDirectory(dir)) throw new IllegalStateException("missing shared fixture: " + dir.toAbsolutePath().normalize());
        return dir;
    }

    static List<String> folders() throws IOException {
        try (Stream<Path> s = Files.list(root())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void logitsAndGreedyIdsMatchTransformers(String name) throws IOException {
        Path dir = root().resolve(name);
        String logitsFile = Files.exists(dir.resolve("ref_logits_eager.safetensors")) ? "ref_logits_eager.safetensors"
                : "ref_logits.safetensors";
        JsonValue.Obj ref = Json.parseObject(Files.readAllBytes(dir.resolve("reference.json")), name);
        try (ComputeDevice dev = Fixtures.open(true, 2);
             SafetensorsReader logits = SafetensorsReader.openFiles(List.of(dir.resolve(logitsFile)));
             LlamaModel model = LlamaModel.load(dir, dev, new TrainableWeights.Frozen(), false)) {
            List<JsonValue> prompts = ((JsonValue.Arr) ref.get("prompts")).items();
            for (int p = 0; p < prompts.size(); p++) {
                JsonValue.Obj prompt = (JsonValue.Obj) prompts.get(p);
                int[] ids = ints(prompt.get("prompt_ids")), greedy = ints(prompt.get("greedy_ids"));
                float[] expected = logits.readFloats("prompt" + p), actual = model.logits(teacherForced(ids, greedy));
                double worst = 0;
                for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
                assertThat(worst).as(name + " prompt " + p + " max |logit error|").isLessThan(1e-4);
                assertThat(greedyWithCache(model, ids, greedy.length)).as(name + " prompt " + p + " greedy ids").containsExactly(greedy);
            }
        }
    }

    private static PackedBatch teacherForced(int[] prompt, int[] greedy) {
        int n = prompt.length + greedy.length;
        int[] tokens = new int[n], targets = new int[n], positions = new int[n];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(greedy, 0, tokens, prompt.length, greedy.length);
        for (int i = 0; i < n; i++) {
            positions[i] = i;
            targets[i] = i + 1 < n ? tokens[i + 1] : -1;
        }
        return new PackedBatch(1, n, tokens, targets, positions, new int[n]);
    }

    private static int[] greedyWithCache(LlamaModel model, int[] prompt, int steps) {
        int vocab = model.config().vocabSize();
        int[] out = new int[steps];
        try (KvCache cache = model.newKvCache(prompt.length + steps)) {
            float[] logits = model.nextTokenLogits(prompt, cache);
            for (int s = 0; s < steps; s++) {
                int best = 0;
                for (int j = 1; j < vocab; j++) if (logits[j] > logits[best]) best = j;
                out[s] = best;
                if (s + 1 < steps) logits = model.nextTokenLogits(new int[] {best}, cache);
            }
        }
        return out;
    }

    private static int[] ints(JsonValue list) {
        return ((JsonValue.Arr) list).items().stream().mapToInt(o -> ((JsonValue.Num) o).value().intValueExact()).toArray();
    }
}
