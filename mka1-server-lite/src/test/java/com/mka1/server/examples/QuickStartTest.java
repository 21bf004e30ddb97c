package com.mka1.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library example runs as printed: it trains mka1:tiny on examples/ and answers. */
class QuickStartTest {
    @Test
    void theReadmeExampleTrainsAndAnswers(@TempDir Path dir) throws Exception {
        Path examples = Path.of("../examples/fine-tuning-train.jsonl");
        assertThat(examples).as("examples/ beside the modules").exists();
        // the first 12 examples keep the run short; the code is the README's
        Path train = Files.write(dir.resolve("train.jsonl"), Files.readAllLines(examples).subList(0, 12));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FineTuningJob job = QuickStart.run(dir.resolve("data"), train, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(job.status()).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.fineTunedModel()).isEqualTo("ft:mka1:tiny:support-bot");
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).containsSubsequence(
                "Validating training file: " + job.trainingFile(), "Fine-tuning job started",
                "The job has successfully completed");
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("Training on 12 examples: 1 epochs, .*, backend ");
        assertThat(Files.isDirectory(dir.resolve("data/models/mka1/tiny"))).isTrue();
    }
}
