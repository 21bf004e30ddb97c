package com.mka1.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.NotFoundException;
import com.mka1.core.data.ChatMessage;
import com.mka1.core.registry.tiny.TinyModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA fine-tunes served unmerged on a shared base give the logits of the merged model. */
class LoraServingTest {
    @TempDir
    Path root;

    private ServingFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ServingFixture(root);
    }

    /** Logits after a short chat prompt, and after one more token. */
    private static float[][] logits(ServedModel served) {
        int[] prompt = served.chatTemplate().render(List.of(ChatMessage.of("user", "Where is my order?")), null, true).ids();
        try (DecodeSession session = served.languageModel().openSession(prompt.length + 1)) {
            return new float[][] {session.append(prompt), session.append(new int[] {'H'})};
        }
    }

    private static float maxAbsDiff(float[][] a, float[][] b) {
        float max = 0;
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < a[r].length; i++) {
                max = Math.max(max, Math.abs(a[r][i] - b[r][i]));
            }
        }
        return max;
    }

    private static float[][] served(ModelCache<ServedModel> cache, ServedModelLoader loader, String id) {
        ModelRoute route = loader.route(id);
        return cache.withModel(route.key(), () -> loader.load(route), m -> {
            m.useAdapter(route.activeAdapter());
            return logits(m);
        });
    }

    @Test
    void unmergedAdapterEqualsMergedModel() {
        ServedModelLoader unmerged = fixture.loader(false);
        ServedModelLoader merged = fixture.loader(true);
        float[][] a;
        float[][] b;
        float[][] base;
        try (ServedModel m = unmerged.load(unmerged.route(ServingFixture.FT))) {
            a = logits(m);
        }
        try (ServedModel m = merged.load(merged.route(ServingFixture.FT))) {
            b = logits(m);
        }
        try (ServedModel m = unmerged.load(unmerged.route(TinyModel.ID))) {
            base = logits(m);
        }
        assertThat(maxAbsDiff(a, b)).isLessThan(1e-4f);
        assertThat(maxAbsDiff(a, base)).as("the adapter changes the model").isGreaterThan(1e-2f);
    }

    @Test
    void fineTunesWithOneBaseShareOneLoadedModel() {
        ServedModelLoader loader = fixture.loader(false);
        assertThat(loader.route(ServingFixture.FT).key()).isEqualTo(loader.route(ServingFixture.FT_OTHER).key())
                .startsWith(TinyModel.ID + "+lora(r=4");
        assertThat(fixture.loader(true).route(ServingFixture.FT).key()).isEqualTo(ServingFixture.FT);
        try (ModelCache<ServedModel> cache = new ModelCache<>(1L << 30)) {
            float[][] first = served(cache, loader, ServingFixture.FT);
            float[][] other = served(cache, loader, ServingFixture.FT_OTHER);
            float[][] again = served(cache, loader, ServingFixture.FT);
            assertThat(cache.loadedIds()).containsExactly(loader.route(ServingFixture.FT).key());
            assertThat(maxAbsDiff(first, again)).isZero();
            assertThat(maxAbsDiff(first, other)).isGreaterThan(1e-2f);
        }
    }

    @Test
    void unknownModelsAreNotFoundOnTheModelParameter() {
        assertThatThrownBy(() -> fixture.loader(false).route("ft:mka1:tiny:nope"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.param()).isEqualTo("model"))
                .hasMessage("The model 'ft:mka1:tiny:nope' does not exist.");
    }
}
