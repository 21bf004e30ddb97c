package com.mka1.core.model;

import com.mka1.core.compute.ReferenceDevice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The KV cache of sliding-window layers holds a bounded run of recent keys: decoding prompt +
 * greedy ids in uneven chunks (one chunk longer than the window) gives the logits of one
 * teacher-forced pass, while sliding layers keep far fewer rows than the sequence.
 */
class SlidingWindowCacheTest {
    private static final int[] CHUNKS = {3, 1, 1, 12, 1, 1, 1, 5, 1, 1, 1, 1, 1, 1, 1};

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mistral-swa8", "gemma2", "gemma3", "qwen2-swa8"})
    void chunkedDecodingMatchesOneTeacherForcedPassWithABoundedCache(String family) {
        ArchFixture fx = ArchFixture.load(family, ArchFixture.logitsFileFor(family));
        ArchFixture.Prompt p = fx.prompts().getFirst();
        var batch = p.teacherForced();
        int n = batch.seqLen(), vocab = 512, window = 8;
        assertThat(Arrays.stream(CHUNKS).sum()).isEqualTo(n);
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(fx.dir(), dev, new TrainableWeights.Frozen(), false);
             var cache = model.newKvCache(64)) {
            float[] whole = model.logits(batch);
            int at = 0;
            for (int chunk : CHUNKS) {
                float[] got = model.forwardWithCache(Arrays.copyOfRange(batch.tokens(), at, at + chunk), cache);
                float[] want = Arrays.copyOfRange(whole, at * vocab, (at + chunk) * vocab);
                assertThat(ArchFixture.maxAbsError(got, want)).as(family + " rows " + at + ".." + (at + chunk)).isLessThan(1e-5);
                at += chunk;
            }
            assertThat(cache.length()).isEqualTo(n);
            for (int l = 0; l < model.config().numLayers(); l++) {
                int rows = cache.keys(l).shape()[0];
                if (model.config().layers().get(l).sliding()) {
                    assertThat(cache.held(l)).as("layer " + l + " keys held").isLessThan(window + 12);
                    assertThat(rows).as("layer " + l + " rows").isLessThanOrEqualTo(2 * (window - 1) + 12).isLessThan(64);
                } else {
                    assertThat(cache.held(l)).isEqualTo(n);
                    assertThat(rows).isEqualTo(64);
                }
            }
            assertThatThrownBy(() -> cache.truncate(10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sliding-window layers dropped the keys");
            // a prefix the sliding layers still cover decodes on as before
            cache.truncate(n - 2);
            float[] again = model.forwardWithCache(Arrays.copyOfRange(batch.tokens(), n - 2, n), cache);
            assertThat(ArchFixture.maxAbsError(again, Arrays.copyOfRange(whole, (n - 2) * vocab, n * vocab))).isLessThan(1e-5);
        }
    }
}
