package com.mka1.core.testing;

import com.mka1.api.Caller;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileUpload;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.data.TokenCounter;
import com.mka1.core.registry.ModelRegistry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** An {@link EmbeddedMka1} on a temp directory with one base model ("meetkai:functionary-medium"). */
public final class Mka1Fixture {
    public static final String MODEL = "meetkai:functionary-medium";

    public final Path dataDir;
    public final Path modelsDir;

    public Mka1Fixture(Path root) {
        this.dataDir = root.resolve("data");
        this.modelsDir = root.resolve("models");
        try {
            Path model = Files.createDirectories(modelsDir.resolve("meetkai/functionary-medium"));
            Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\", \"max_position_embeddings\": 512}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public EmbeddedMka1 open(StepTrainer trainer) {
        return open(trainer, TokenCounter.APPROXIMATE, 2, 100);
    }

    public EmbeddedMka1 open(StepTrainer trainer, TokenCounter counter, int concurrentJobs, int queueCapacity) {
        return EmbeddedMka1.builder().dataDir(dataDir).modelsDir(modelsDir).trainer(trainer).minExamples(4)
                .concurrentJobs(concurrentJobs).queueCapacity(queueCapacity).tokenCounter(counter).build();
    }

    /** The models the engine under {@code root} has registered, as it wrote them to disk. */
    public static ModelRegistry registry(Path root) {
        try {
            return ModelRegistry.open(root.resolve("models"), root.resolve("data").resolve("models.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} good chat lines: "Question i" / "Answer i". */
    public static String chatLines(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append("{\"messages\":[{\"role\":\"user\",\"content\":\"Question ").append(i)
                    .append("\"},{\"role\":\"assistant\",\"content\":\"Answer ").append(i).append("\"}]}\n");
        }
        return sb.toString();
    }

    public static FileObject upload(EmbeddedMka1 mka1, Caller caller, String content) {
        return mka1.files(caller).create(new FileUpload("train.jsonl", FilePurpose.FINE_TUNE,
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8))));
    }

    public static FineTuningJob awaitStatus(EmbeddedMka1 mka1, Caller caller, String jobId, JobStatus status) {
        await(() -> mka1.fineTuning(caller).retrieve(jobId).status() == status,
                () -> "job " + jobId + " to be " + status.wireName() + " but it is "
                        + mka1.fineTuning(caller).retrieve(jobId).status().wireName());
        return mka1.fineTuning(caller).retrieve(jobId);
    }

    public static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what.get());
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
