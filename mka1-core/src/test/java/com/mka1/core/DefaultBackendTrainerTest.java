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

class DefaultBackendTrainerTest {
    @Test
    void fillsInTheServersBackendOnlyWhenTheJobNamesNone() throws Exception {
        List<TrainingRun> seen = new ArrayList<>();
        DefaultBackendTrainer trainer = new DefaultBackendTrainer((run, listener) -> {
            seen.add(run);
            return new TrainingResult.Stopped(0);
        }, "cpu");
        TrainingSettings auto = TrainingSettings.auto();
        TrainingSettings cuda = new TrainingSettings(3, null, null, null, null, null, null, null, null, null, null, null,
                "cuda");
        trainer.train(run(auto), null);
        trainer.train(run(cuda), null);
        assertThat(seen.get(0).settings()).isEqualTo(new TrainingSettings(null, null, null, null, null, null, null, null,
                null, null, null, null, "cpu"));
        assertThat(seen.get(0).jobId()).isEqualTo("ftjob_1");
        assertThat(seen.get(0).seed()).isEqualTo(42);
        assertThat(seen.get(1).settings()).isSameAs(cuda);
    }

    private static TrainingRun run(TrainingSettings settings) {
        Path p = Path.of("x");
        return new TrainingRun("ftjob_1", "test:base", p, p, null, TrainingMethod.SUPERVISED, settings, 42, p, p);
    }
}
