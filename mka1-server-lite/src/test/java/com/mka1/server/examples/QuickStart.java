package com.mka1.server.examples;

import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileUpload;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobEvent;
import com.mka1.api.finetuning.Method;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.core.EmbeddedMka1;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The README's "Use it from Maven" example, compiled and run by {@link QuickStartTest}. */
public final class QuickStart {
    public static void main(String[] args) throws Exception {
        run(Path.of("quickstart-data"), Path.of("examples/fine-tuning-train.jsonl"), System.out);
    }

    static FineTuningJob run(Path dataDir, Path trainingFile, PrintStream out) throws Exception {
        try (EmbeddedMka1 mka1 = EmbeddedMka1.builder().dataDir(dataDir).build()) { // trainer: found with ServiceLoader
            FileObject file;
            try (InputStream in = Files.newInputStream(trainingFile)) {
                file = mka1.files().create(new FileUpload("train.jsonl", FilePurpose.FINE_TUNE, in));
            }
            FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of("mka1:tiny", file.id())
                    .withSuffix("support-bot")
                    .withMethod(new Method.Supervised(Hyperparameters.auto()
                            .withNEpochs(HyperparameterValue.of(1))
                            .withEngine(EngineSettings.builder().loraRank(16).loraAlpha(32.0).build()))));
            String lastEvent = null;
            while (true) {
                for (JobEvent event : mka1.fineTuning().eventsSince(job.id(), lastEvent)) { // oldest first
                    out.println(event.message());
                    lastEvent = event.id();
                }
                if (job.status().terminal()) break;
                Thread.sleep(200);
                job = mka1.fineTuning().retrieve(job.id());
            }
            out.println(mka1.responses().create(ResponseCreateParams.of(job.fineTunedModel(),
                    "Where is my order?").withMaxOutputTokens(16)).outputText());
            return job;
        }
    }
}
