package com.mka1.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.Caller;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseStatus;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.compute.Backends;
import com.mka1.core.compute.ReferenceBackend;
import com.mka1.core.testing.Mka1Fixture;
import com.mka1.core.testing.SharedDir;
import com.mka1.core.train.llama.LlamaTrainer;
import com.mka1.spi.BackendOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's stopping check: a LoRA fine-tune of stories260k (with a chat template of its own) on a
 * small support set answers with what it learned and then ends its turn, because the template's
 * end-of-turn marker is part of the trained target and stops generation: the response is {@code
 * completed} well within its token budget, where the base model runs to it.
 */
class FineTunedAnswersStopTest {
    private static final int COPIES = 20; // one epoch over the set repeated: 20 steps of 2, one checkpoint
    private static final int BUDGET = 48;
    private static final List<Map.Entry<String, String>> SUPPORT = List.of(
            Map.entry("Where is my order?", "It ships today."),
            Map.entry("Do you ship abroad?", "Only to Canada."));

    /**
     * A template with plain-text markers, as stories260k's vocabulary has no special tokens to
     * spare: " The end." (in pieces) is the turn's end and the stop sequence. Its own "</s>" cannot
     * serve: "</s>", "|" and every byte piece share one untrained embedding (186 rows), so LoRA
     * cannot make "</s>" likelier than 1/186 (the P = 0.005); symbols such as "<" are
     * barely trained either.
     */
    private static final String TEMPLATE = "{% for message in messages %}{{ message['role'] + ':\\n' + message['content'] + ' The end.\\n' }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ 'assistant:\\n' }}{% endif %}";

    @TempDir
    Path root;

    @Test
    void aLoraFineTuneEndsItsAnswersWithinTheBudget() throws Exception {
        Path model = Files.createDirectories(root.resolve("models/karpathy/stories260k"));
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(SharedDir.resolve("models/stories260k/" + name), model.resolve(name));
        }
        Files.writeString(model.resolve("chat_template.jinja"), TEMPLATE);
        StringBuilder lines = new StringBuilder();
        for (int copy = 0; copy < COPIES; copy++) {
            SUPPORT.forEach(qa -> lines.append("{\"messages\":[{\"role\":\"user\",\"content\":\"").append(qa.getKey()).append("\"},")
                    .append("{\"role\":\"assistant\",\"content\":\"").append(qa.getValue()).append("\"}]}\n"));
        }
        LlamaTrainer trainer = new LlamaTrainer(new Backends(List.of(new ReferenceBackend())), LlamaTrainer.Options.defaults());
        try (EmbeddedMka1 mka1 = EmbeddedMka1.builder().dataDir(root.resolve("data")).modelsDir(root.resolve("models"))
                .embeddedModel(false).trainer(trainer).minExamples(4)
                .inferenceDevices(() -> new ReferenceBackend().open(BackendOptions.defaults())).build()) {
            String file = Mka1Fixture.upload(mka1, Caller.NONE, lines.toString()).id();
            Hyperparameters hp = Hyperparameters.auto().withNEpochs(HyperparameterValue.of(1)).withBatchSize(HyperparameterValue.of(2))
                    .withLearningRateMultiplier(HyperparameterValue.of(10.0))
                    .withEngine(new EngineSettings(8, 256.0, null, null, null, null, null, 128, null));
            FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of("karpathy:stories260k", file).withSuffix("support")
                    .withSeed(5L).withMethod(new Method.Supervised(hp)));
            Mka1Fixture.await(() -> mka1.fineTuning().retrieve(job.id()).status().terminal(), () -> "job " + job.id() + " to end");
            FineTuningJob done = mka1.fineTuning().retrieve(job.id());
            assertThat(done.status()).as("job error: %s", done.error()).isEqualTo(JobStatus.SUCCEEDED);

            Response base = mka1.responses().create(ResponseCreateParams.of("karpathy:stories260k", "Where is my order?")
                    .withTemperature(0.0).withMaxOutputTokens(BUDGET));
            assertThat(base.status()).as("the base model never ends a turn").isEqualTo(ResponseStatus.INCOMPLETE);
            for (var qa : SUPPORT) {
                Response r = mka1.responses().create(ResponseCreateParams.of(done.fineTunedModel(), qa.getKey())
                        .withTemperature(0.0).withMaxOutputTokens(BUDGET));
                assertThat(r.outputText()).as(qa.getKey()).isEqualTo(qa.getValue());
                assertThat(r.status()).as(qa.getKey()).isEqualTo(ResponseStatus.COMPLETED);
                assertThat(r.usage().outputTokens()).as(qa.getKey()).isLessThan(BUDGET);
            }
        }
    }
}
