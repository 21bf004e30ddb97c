package com.mka1.core.model;

import com.mka1.core.compute.ReferenceDevice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every checkpoint of {@code ../shared/models/arch} (each family, both config dialects) on the
 * reference backend against transformers 5.17: teacher-forced logits within 1e-4 of its float64
 * logits, and the greedy ids with the KV cache identical.
 */
class ArchReferenceTest {
    private static final Logger LOG = LoggerFactory.getLogger(ArchReferenceTest.class);

    static List<String> folders() {
        return ArchFixture.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void logitsAndGreedyIdsMatchTransformers(String name) {
        ArchFixture fx = ArchFixture.load(name, ArchFixture.logitsFileFor(name));
        try (var dev = new ReferenceDevice(); var model = LlamaModel.load(fx.dir(), dev, new TrainableWeights.Frozen(), false)) {
            double worst = 0;
            for (ArchFixture.Prompt p : fx.prompts()) {
                double err = ArchFixture.maxAbsError(model.logits(p.teacherForced()), p.logits());
                worst = Math.max(worst, err);
                assertThat(err).as(name + " logits").isLessThan(1e-4);
                assertThat(ArchFixture.greedyWithCache(model, p.promptIds(), p.greedyIds().length))
                        .as(name + " greedy ids").containsExactly(p.greedyIds());
            }
            LOG.info("{}: max |logit error| {} on the reference backend", name, worst);
        }
    }
}
