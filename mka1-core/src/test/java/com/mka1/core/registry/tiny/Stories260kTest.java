package com.mka1.core.registry.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.JsonValue;
import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.json.Json;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.RandomInit;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.testing.SharedDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default mka1:tiny is stories260K, copied from this module's resources. */
class Stories260kTest {
    @TempDir
    Path models;

    @Test
    void theBundledFilesAreTheSharedStories260kByteForByte() throws IOException {
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "LICENSE")) {
            try (InputStream in = Stories260k.class.getResourceAsStream("stories260k/" + name)) {
                assertThat(in).as(name).isNotNull();
                assertThat(in.readAllBytes()).as(name).isEqualTo(Files.readAllBytes(SharedDir.resolve("models/stories260k/" + name)));
            }
        }
    }

    @Test
    void ensureCopiesTheModelOnceIntoTheModelsDirectory() throws IOException {
        Path dir = Stories260k.ensure(models);
        assertThat(dir).isEqualTo(models.resolve("mka1").resolve("tiny"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("LICENSE",
                    "PROVENANCE.md", "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json");
        }
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(SharedDir.resolve("models/stories260k/model.safetensors")));
        assertThat(RandomInit.marked(dir)).isFalse();
        long modified = Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis();
        assertThat(Stories260k.ensure(models)).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis()).isEqualTo(modified);
    }

    @Test
    void anEarlierModelInTheDirectoryIsLeftAsItIs() throws IOException {
        Path old = Files.createDirectories(models.resolve(Stories260k.RELATIVE_DIR));
        TinyModel.write(old); // what earlier versions wrote as mka1:tiny
        byte[] weights = Files.readAllBytes(old.resolve("model.safetensors"));
        assertThat(Stories260k.ensure(models)).isEqualTo(old);
        assertThat(Files.readAllBytes(old.resolve("model.safetensors"))).isEqualTo(weights);
    }

    @Test
    void theCopiedModelGivesPyTorchsGreedyIds() throws IOException {
        JsonValue.Obj reference;
        try (InputStream in = Stories260kTest.class.getResourceAsStream("/reference/stories260k.json")) {
            reference = (JsonValue.Obj) Json.parse(in);
        }
        int[] prompt = ints(reference.get("greedyPrompt"));
        int[] expected = ints(reference.get("greedyIds"));
        try (var device = new ReferenceDevice();
             var model = LlamaModel.load(Stories260k.ensure(models), device, new TrainableWeights.Frozen(), false);
             var cache = model.newKvCache(prompt.length + expected.length)) {
            int vocab = model.config().vocabSize();
            List<Integer> generated = new ArrayList<>();
            int next = argmax(model.nextTokenLogits(prompt, cache), vocab);
            for (int step = 0; step < expected.length; step++) {
                generated.add(next);
                if (step + 1 < expected.length) next = argmax(model.nextTokenLogits(new int[] {next}, cache), vocab);
            }
            assertThat(generated).containsExactly(java.util.Arrays.stream(expected).boxed().toArray(Integer[]::new));
        }
    }

    @Test
    void theRandomTinyModelCarriesTheRandomInitMarker() {
        Path dir = TinyModel.ensure(models);
        assertThat(dir).isEqualTo(models.resolve("mka1").resolve("tiny-random"));
        assertThat(RandomInit.marked(dir)).isTrue();
    }

    private static int[] ints(JsonValue list) {
        return ((JsonValue.Arr) list).items().stream().mapToInt(v -> ((JsonValue.Num) v).value().intValue()).toArray();
    }

    private static int argmax(float[] logits, int vocab) {
        int best = 0;
        for (int j = 1; j < vocab; j++) if (logits[j] > logits[best]) best = j;
        return best;
    }
}
