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
 * Issue 14's stopping check: a LoRA fine-tune of stories260k on a small support set answers with
 * what it learned and then ends its turn, because the template's end-of-turn marker is part of the
 * trained target and stops generation: the response is {@code completed} well within its token
 * budget, where the base model runs to it. With the model's own layout (the ChatML fallback, whose
 * turns end with {@code </s>}) that takes the trainable token rows: {@code </s>} never occurred in
 * pre-training, so its row is still at init, shared with ~185 unused byte rows, and LoRA alone
 * cannot raise it above 1/186 (the P = 0.005). The case without them shows it.
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

    /** The model's own layout, no stop sequence: the end-of-turn row trains by default and the answers end. */
    @Test
    void aLoraFineTuneEndsItsAnswersWithItsOwnEndOfTurnToken() throws Exception {
        List<Response> answers = fineTuneAndAsk(null, null);
        for (int i = 0; i < SUPPORT.size(); i++) {
            Response r = answers.get(i);
            assertThat(r.outputText()).as(SUPPORT.get(i).getKey()).isEqualTo(SUPPORT.get(i).getValue());
            assertThat(r.status()).as(SUPPORT.get(i).getKey()).isEqualTo(ResponseStatus.COMPLETED);
            assertThat(r.usage().outputTokens()).as(SUPPORT.get(i).getKey()).isLessThan(BUDGET);
        }
    }

    /** The same fine-tune with trainable_token_indices = []: LoRA learns the answers but cannot end them. */
    @Test
    void withoutTrainableTokensTheAnswersRunToTheBudget() throws Exception {
        for (Response r : fineTuneAndAsk(null, List.of())) {
            assertThat(r.status()).isEqualTo(ResponseStatus.INCOMPLETE);
            assertThat(r.usage().outputTokens()).isEqualTo(BUDGET);
        }
    }

    /** A template whose end marker is plain text ends the answers too (the marker is a stop sequence). */
    @Test
    void aLoraFineTuneEndsItsAnswersWithAPlainTextMarker() throws Exception {
        List<Response> answers = fineTuneAndAsk(TEMPLATE, List.of());
        for (int i = 0; i < SUPPORT.size(); i++) {
            Response r = answers.get(i);
            assertThat(r.outputText()).as(SUPPORT.get(i).getKey()).isEqualTo(SUPPORT.get(i).getValue());
            assertThat(r.status()).as(SUPPORT.get(i).getKey()).isEqualTo(ResponseStatus.COMPLETED);
            assertThat(r.usage().outputTokens()).as(SUPPORT.get(i).getKey()).isLessThan(BUDGET);
        }
    }

    /** Fine-tunes on the support set ({@code template} null: the model's own) and answers each question greedily. */
    private List<Response> fineTuneAndAsk(String template, List<Integer> trainableTokens) throws Exception {
        Path model = Files.createDirectories(root.resolve("models/karpathy/stories260k"));
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(SharedDir.resolve("models/stories260k/" + name), model.resolve(name));
        }
        if (template != null) Files.writeString(model.resolve("chat_template.jinja"), template);
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
                    .withEngine(new EngineSettings(8, 256.0, null, null, null, null, null, 128, null, trainableTokens));
            FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of("karpathy:stories260k", file).withSuffix("support")
                    .withSeed(5L).withMethod(new Method.Supervised(hp)));
            Mka1Fixture.await(() -> mka1.fineTuning().retrieve(job.id()).status().terminal(), () -> "job " + job.id() + " to end");
            FineTuningJob done = mka1.fineTuning().retrieve(job.id());
            assertThat(done.status()).as("job error: %s", done.error()).isEqualTo(JobStatus.SUCCEEDED);

            Response base = mka1.responses().create(ResponseCreateParams.of("karpathy:stories260k", "Where is my order?")
                    .withTemperature(0.0).withMaxOutputTokens(BUDGET));
            assertThat(base.status()).as("the base model never ends a turn").isEqualTo(ResponseStatus.INCOMPLETE);
            List<Response> answers = new java.util.ArrayList<>();
            for (var qa : SUPPORT) {
                answers.add(mka1.responses().create(ResponseCreateParams.of(done.fineTunedModel(), qa.getKey())
                        .withTemperature(0.0).withMaxOutputTokens(BUDGET)));
            }
            return answers;
        }
    }
}
