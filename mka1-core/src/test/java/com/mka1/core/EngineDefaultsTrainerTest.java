package com.mka1.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.data.TrainingMethod;
import com.mka1.core.train.TrainingResult;
import com.mka1.core.train.TrainingRun;
import com.mka1.core.train.TrainingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineDefaultsTrainerTest {
    private final List<TrainingRun> seen = new ArrayList<>();

    private EngineDefaultsTrainer trainer(String backend, Boolean recompute) {
        return new EngineDefaultsTrainer((run, listener) -> {
            seen.add(run);
            return new TrainingResult.Stopped(0);
        }, backend, recompute);
    }

    @Test
    void fillsInTheServersBackendOnlyWhenTheJobNamesNone() throws Exception {
        EngineDefaultsTrainer trainer = trainer("cpu", null);
        TrainingSettings cuda = new TrainingSettings(3, null, null, null, null, null, null, null, null, null, null, null,
                "cuda");
        trainer.train(run(TrainingSettings.auto()), null);
        trainer.train(run(cuda), null);
        assertThat(seen.get(0).settings()).isEqualTo(new TrainingSettings(null, null, null, null, null, null, null, null,
                null, null, null, null, "cpu"));
        assertThat(seen.get(0).jobId()).isEqualTo("ftjob_1");
        assertThat(seen.get(0).seed()).isEqualTo(42);
        assertThat(seen.get(1).settings()).isSameAs(cuda);
    }

    @Test
    void keepsEverythingElseTheJobAskedFor() throws Exception {
        // trainable token ids [] (train no embedding rows) must survive the backend being filled in
        TrainingSettings none = new TrainingSettings(2, 4, 0.5, null, false, 8, 16.0, 0.1, List.of("q", "v"), 0.1,
                "cosine", 128, null, List.of());
        trainer("cpu", true).train(run(none), null);
        assertThat(seen.get(0).settings()).isEqualTo(new TrainingSettings(2, 4, 0.5, null, false, 8, 16.0, 0.1,
                List.of("q", "v"), 0.1, "cosine", 128, "cpu", List.of(), true));
    }

    @Test
    void fillsInActivationRecomputationOnlyWhenTheJobLeavesItOpen() throws Exception {
        EngineDefaultsTrainer trainer = trainer(null, true);
        TrainingSettings off = TrainingSettings.auto().withEngineDefaults(null, false);
        trainer.train(run(TrainingSettings.auto()), null);
        trainer.train(run(off), null);
        assertThat(seen.get(0).settings().recomputeActivations()).isTrue();
        assertThat(seen.get(0).settings().backend()).isNull();
        assertThat(seen.get(1).settings()).isSameAs(off);
    }

    private static TrainingRun run(TrainingSettings settings) {
        Path p = Path.of("x");
        return new TrainingRun("ftjob_1", "test:base", p, p, null, TrainingMethod.SUPERVISED, settings, 42, p, p);
    }
}
