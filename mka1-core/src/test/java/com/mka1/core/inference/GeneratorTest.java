package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.mka1.api.JsonValue;
import com.mka1.core.compute.ReferenceDevice;
import com.mka1.core.json.Json;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.testing.SharedDir;
import com.mka1.core.tokenizer.Tokenizer;
import com.mka1.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generation over stories260k on the reference backend, against the PyTorch fixture of the model helper. */
class GeneratorTest {
    private static ReferenceDevice device;
    private static LlamaModel model;
    private static Tokenizer tokenizer;
    private static int[] fixturePrompt;
    private static int[] fixtureGreedy;

    @BeforeAll
    static void load() throws IOException {
        Path dir = SharedDir.resolve("models/stories260k");
        device = new ReferenceDevice();
        model = LlamaModel.load(dir, device, new TrainableWeights.Frozen(), false);
        tokenizer = Tokenizers.load(dir);
        try (InputStream in = GeneratorTest.class.getResourceAsStream("/reference/stories260k.json")) {
            JsonValue.Obj fixture = (JsonValue.Obj) Json.parse(in);
            fixturePrompt = ints(fixture.get("greedyPrompt"));
            fixtureGreedy = ints(fixture.get("greedyIds"));
        }
    }

    @AfterAll
    static void close() {
        model.close();
        device.close();
    }

    private static int[] ints(JsonValue v) {
        return ((JsonValue.Arr) v).items().stream().mapToInt(x -> ((JsonValue.Num) x).value().intValueExact()).toArray();
    }

    private static Generator generator() {
        return new Generator(new LlamaLanguageModel(model), tokenizer);
    }

    private static GenerationRequest request(int[] prompt, int max, SamplingSettings sampling) {
        return new GenerationRequest(prompt, max, sampling, new int[0], StopSequences.NONE);
    }

    @Test
    void greedyIdsEqualThePyTorchReference() {
        GenerationResult result = generator().generate(request(fixturePrompt, fixtureGreedy.length, SamplingSettings.greedy()));
        assertThat(result.outputIds()).containsExactly(fixtureGreedy);
        assertThat(result.promptTokens()).isEqualTo(fixturePrompt.length);
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.text()).isEqualTo(tokenizer.decode(fixtureGreedy, true));
    }

    @Test
    void kvCacheDecodeEqualsFullRecomputeTokenForToken() {
        int steps = 12;
        GenerationResult cached = generator().generate(request(fixturePrompt, steps, SamplingSettings.greedy()));
        CausalLanguageModel lm = new LlamaLanguageModel(model);
        List<Integer> sequence = new ArrayList<>();
        for (int id : fixturePrompt) {
            sequence.add(id);
        }
        float[] previous = null;
        for (int step = 0; step < steps; step++) {
            float[] logits;
            try (DecodeSession fresh = lm.openSession(sequence.size())) {
                logits = fresh.append(sequence.stream().mapToInt(Integer::intValue).toArray());
            }
            int next = Sampler.argmax(toDoubles(logits));
            assertThat(next).as("token %d", step).isEqualTo(cached.outputIds()[step]);
            sequence.add(next);
            previous = logits;
        }
        // the cached path's last logits agree with the recomputed ones numerically, not just in argmax
        try (DecodeSession session = lm.openSession(sequence.size())) {
            int[] all = sequence.stream().mapToInt(Integer::intValue).toArray();
            session.append(java.util.Arrays.copyOf(all, fixturePrompt.length));
            float[] last = null;
            for (int i = fixturePrompt.length; i < all.length - 1; i++) {
                last = session.append(new int[] {all[i]});
            }
            for (int j = 0; j < last.length; j++) {
                assertThat(last[j]).isCloseTo(previous[j], within(1e-4f));
            }
        }
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void seededSamplingIsReproducible() {
        SamplingSettings a = new SamplingSettings(1.0, 0.9, 0, 1.0, 1234);
        int[] first = generator().generate(request(fixturePrompt, 20, a)).outputIds();
        assertThat(generator().generate(request(fixturePrompt, 20, a)).outputIds()).containsExactly(first);
        assertThat(generator().generate(request(fixturePrompt, 20, new SamplingSettings(1.0, 0.9, 0, 1.0, 99))).outputIds())
                .isNotEqualTo(first);
    }

    @Test
    void streamedDeltasAddUpToTheTextAndStopTokensEndGeneration() {
        List<String> deltas = new ArrayList<>();
        GenerationResult streamed = generator().generate(request(fixturePrompt, 16, SamplingSettings.greedy()), deltas::add);
        assertThat(String.join("", deltas)).isEqualTo(streamed.text());
        assertThat(deltas).hasSizeGreaterThan(1);

        int stopAt = fixtureGreedy[3];
        GenerationResult stopped = generator().generate(new GenerationRequest(fixturePrompt, 16, SamplingSettings.greedy(),
                new int[] {stopAt}, StopSequences.NONE));
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stopped.outputIds()).containsExactly(java.util.Arrays.copyOf(fixtureGreedy, 4));
        assertThat(stopped.text()).isEqualTo(tokenizer.decode(java.util.Arrays.copyOf(fixtureGreedy, 3), true));
    }

    @Test
    void aStopSequenceIsCutAndNeverStreamed() {
        String full = generator().generate(request(fixturePrompt, 24, SamplingSettings.greedy())).text();
        String stop = full.substring(10, 14);
        List<String> deltas = new ArrayList<>();
        GenerationResult cut = generator().generate(new GenerationRequest(fixturePrompt, 24, SamplingSettings.greedy(),
                new int[0], new StopSequences(List.of(stop))), deltas::add);
        assertThat(cut.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(cut.text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(String.join("", deltas)).isEqualTo(cut.text());
    }
}
