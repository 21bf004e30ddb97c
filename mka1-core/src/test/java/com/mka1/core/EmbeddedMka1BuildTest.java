package com.mka1.core;

import static com.mka1.core.testing.Mka1Fixture.MODEL;
import static com.mka1.core.testing.Mka1Fixture.awaitStatus;
import static com.mka1.core.testing.Mka1Fixture.chatLines;
import static com.mka1.core.testing.Mka1Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.api.Caller;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.StepTrainer;
import com.mka1.core.train.llama.LlamaTrainer;
import com.mka1.spi.BackendUnavailableException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMka1BuildTest {
    @TempDir
    Path root;

    @Test
    void aBuildThatFailsLateStopsTheJobsItAlreadyResumed() throws InterruptedException {
        Mka1Fixture fixture = new Mka1Fixture(root);
        String jobId;
        try (EmbeddedMka1 mka1 = fixture.open(new StepTrainer(100))) {
            String file = upload(mka1, Caller.NONE, chatLines(4)).id();
            jobId = mka1.fineTuning().create(JobCreateParams.of(MODEL, file)).id();
            awaitStatus(mka1, Caller.NONE, jobId, JobStatus.RUNNING);
        } // the job stays running on disk and resumes on the next open

        StepTrainer orphan = new StepTrainer(100);
        assertThatThrownBy(() -> EmbeddedMka1.builder().dataDir(fixture.dataDir).modelsDir(fixture.modelsDir)
                .trainer(orphan).minExamples(4).modelCacheBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBytes must be positive, got 0");
        orphan.steps.release(1_000_000); // a job manager left running would now finish the job
        Thread.sleep(200);

        try (EmbeddedMka1 mka1 = fixture.open(new StepTrainer(100))) {
            assertThat(mka1.fineTuning().retrieve(jobId).status()).isEqualTo(JobStatus.RUNNING);
        }
    }

    @Test
    void withoutATrainerJobsTrainWithTheInstalledTrainerService() {
        assertThat(EmbeddedMka1.Builder.installedTrainer()).isInstanceOf(LlamaTrainer.class);
    }

    @Test
    void aDefaultBackendThatCannotRunFailsTheBuildBeforeTheDataDirectoryIsOpened() {
        Path data = root.resolve("never-created");
        assertThatThrownBy(() -> EmbeddedMka1.builder().dataDir(data).backend("abacus").build())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("unknown compute backend 'abacus'; installed: ");
        assertThat(data).doesNotExist();
    }
}
