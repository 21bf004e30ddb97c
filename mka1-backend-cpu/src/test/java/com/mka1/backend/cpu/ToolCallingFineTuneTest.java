package com.mka1.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileUpload;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.EngineSettings;
import com.mka1.api.finetuning.FineTuningJob;
import com.mka1.api.finetuning.HyperparameterValue;
import com.mka1.api.finetuning.Hyperparameters;
import com.mka1.api.finetuning.JobCreateParams;
import com.mka1.api.finetuning.JobStatus;
import com.mka1.api.finetuning.Method;
import com.mka1.api.responses.FunctionCall;
import com.mka1.api.responses.FunctionCallOutput;
import com.mka1.api.responses.FunctionTool;
import com.mka1.api.responses.OutputMessage;
import com.mka1.api.responses.Response;
import com.mka1.api.responses.ResponseCreateParams;
import com.mka1.api.responses.ResponseInput;
import com.mka1.api.responses.Tools;
import com.mka1.core.EmbeddedMka1;
import com.mka1.core.compute.Backends;
import com.mka1.core.json.Json;
import com.mka1.core.train.llama.LlamaTrainer;
import com.mka1.spi.BackendOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's training check, on this backend (the reference backend takes twice as long): a LoRA
 * fine-tune of stories260k on the orders tool-calling set ({@code tools/orders-tools.jsonl}, three
 * epochs, some 25 s on two cores) teaches the base model to call the function a request asks
 * for. The base model, offered the tools with {@code tool_choice: auto}, writes no call; the
 * fine-tuned one answers each held-out request with one {@code function_call} of the right
 * function whose arguments parse to the trained shape, and after the call's output it answers
 * in text with the trained reply.
 *
 * <p>Not reached: the order in the arguments is not the request's order. The 260k-parameter model
 * learns which function and the argument's form ({@code [A-E][0-9]{1,2}}) but does not learn to
 * copy the order's digits from the prompt in this budget (measured: "B42" gave "B91" after 3 and 4
 * epochs, "B46" or "B4" after one epoch on the reference backend).
 */
class ToolCallingFineTuneTest {
    private static final String TRACK = "Is my order B42 on the way?";
    /** Requests none of the training examples asks, each with the function it asks for. */
    private static final Map<String, String> HELD_OUT = Map.of(TRACK, "track", "Is my order C3 on the way?", "track",
            "Please stop my order A5.", "cancel", "Please stop my order D27.", "cancel",
            "I want my money back for order E6.", "refund", "Can I get my money back for A9?", "refund");
    private static final int BUDGET = 32;

    /**
     * A template with the simplest call syntax the parser knows (functionary v3's
     * {@code >>>NAME\n{...}}, found by its {@code >>>}), tools listed by name only (the built-in
     * Qwen tools block alone would fill stories260k's 512-token context), turns ended by {@code </s>}.
     */
    private static final String TEMPLATE = """
            {%- if tools %}{{ 'tools:' }}{% for t in tools %}{{ ' ' + t['function']['name'] }}{% endfor %}{{ '\\n' }}{% endif -%}
            {%- for m in messages %}
            {%- if m['role'] == 'assistant' %}{{ 'assistant:\\n' }}
            {%- if m['content'] %}{{ m['content'] }}{% endif %}
            {%- if m['tool_calls'] %}{% for c in m['tool_calls'] %}{{ '>>>' + c['function']['name'] + '\\n' + (c['function']['arguments'] | tojson) }}{% endfor %}{% endif %}
            {{- '</s>\\n' }}
            {%- else %}{{ m['role'] + ':\\n' + m['content'] + '</s>\\n' }}{% endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}{{ 'assistant:\\n' }}{% endif %}""";

    /**
     * Token rows trained beside the default end-of-turn row ({@code </s>}, id 2): {@code >} (505),
     * the call's opening, and the JSON punctuation {@code {} (126), {@code }} (128), {@code "} (436),
     * pieces stories' pre-training barely saw, whose rows LoRA cannot move.
     */
    private static final List<Integer> TRAINABLE_TOKENS = List.of(2, 505, 126, 128, 436);

    @TempDir
    Path root;

    @Test
    void aFineTunedModelCallsTheRightFunctionAndAnswersItsResult() throws Exception {
        Path model = Files.createDirectories(root.resolve("models/karpathy/stories260k"));
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(Fixtures.stories().resolve(name), model.resolve(name));
        }
        Files.writeString(model.resolve("chat_template.jinja"), TEMPLATE);
        String data;
        try (InputStream in = ToolCallingFineTuneTest.class.getResourceAsStream("/tools/orders-tools.jsonl")) {
            data = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HELD_OUT.keySet().forEach(q -> assertThat(data).as("a held-out request is not in the training set").doesNotContain(q));
        FunctionTool track = tool("track", "Says where an order is.");
        Tools tools = Tools.of(List.of(tool("alarm", "Sets an alarm."), tool("refund", "Refunds an order."), track,
                tool("cancel", "Cancels an order.")));

        LlamaTrainer trainer = new LlamaTrainer(new Backends(List.of(new CpuBackend())), LlamaTrainer.Options.defaults());
        try (EmbeddedMka1 mka1 = EmbeddedMka1.builder().dataDir(root.resolve("data")).modelsDir(root.resolve("models"))
                .embeddedModel(false).trainer(trainer).minExamples(4)
                .inferenceDevices(() -> new CpuBackend().open(BackendOptions.defaults())).build()) {
            for (String q : HELD_OUT.keySet()) {
                Response base = mka1.responses().create(ResponseCreateParams.of("karpathy:stories260k", q)
                        .withTemperature(0.0).withMaxOutputTokens(BUDGET).withTools(tools));
                assertThat(base.output()).as("the base model calls nothing: %s", base.output()).noneMatch(FunctionCall.class::isInstance);
            }

            String file = mka1.files().create(new FileUpload("orders-tools.jsonl", FilePurpose.FINE_TUNE,
                    new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)))).id();
            Hyperparameters hp = Hyperparameters.auto().withNEpochs(HyperparameterValue.of(EPOCHS))
                    .withBatchSize(HyperparameterValue.of(BATCH))
                    .withLearningRateMultiplier(HyperparameterValue.of(10.0))
                    .withEngine(new EngineSettings(8, 256.0, null, null, null, null, null, 128, null, TRAINABLE_TOKENS));
            FineTuningJob job = mka1.fineTuning().create(JobCreateParams.of("karpathy:stories260k", file).withSuffix("orders")
                    .withSeed(16L).withMethod(new Method.Supervised(hp)));
            long deadline = System.nanoTime() + 180_000_000_000L; // some 25 s on two cores; room for a loaded machine
            while (!mka1.fineTuning().retrieve(job.id()).status().terminal() && System.nanoTime() < deadline) Thread.sleep(20);
            FineTuningJob done = mka1.fineTuning().retrieve(job.id());
            assertThat(done.status()).as("job error: %s", done.error()).isEqualTo(JobStatus.SUCCEEDED);

            for (var heldOut : HELD_OUT.entrySet()) {
                Response r = mka1.responses().create(ResponseCreateParams.of(done.fineTunedModel(), heldOut.getKey())
                        .withTemperature(0.0).withMaxOutputTokens(BUDGET).withTools(tools));
                assertThat(r.output()).as("%s: %s", heldOut.getKey(), r.output()).hasSize(1).first().isInstanceOf(FunctionCall.class);
                FunctionCall call = (FunctionCall) r.output().getFirst();
                assertThat(call.name()).as(heldOut.getKey()).isEqualTo(heldOut.getValue());
                // the arguments parse to the trained shape; the order's value is not the prompt's (see the class comment)
                assertThat(Json.parse(call.arguments())).as(call.arguments()).isInstanceOfSatisfying(JsonValue.Obj.class,
                        args -> assertThat(args.fields()).containsOnlyKeys("order")
                                .hasEntrySatisfying("order", v -> assertThat(v).isInstanceOfSatisfying(JsonValue.Str.class,
                                        order -> assertThat(order.value()).matches("[A-E][0-9]{1,2}"))));
            }

            Response first = mka1.responses().create(ResponseCreateParams.of(done.fineTunedModel(), TRACK)
                    .withTemperature(0.0).withMaxOutputTokens(BUDGET).withTools(tools));
            FunctionCall call = (FunctionCall) first.output().getFirst();
            Response answer = mka1.responses().create(ResponseCreateParams.of(done.fineTunedModel(),
                            ResponseInput.ofItems(List.of(new FunctionCallOutput(call.callId(), "{\"status\": \"on the way\"}"))))
                    .withPreviousResponseId(first.id()).withTemperature(0.0).withMaxOutputTokens(BUDGET).withTools(tools));
            assertThat(answer.output()).as("%s", answer.output()).hasSize(1).first().isInstanceOf(OutputMessage.class);
            assertThat(((OutputMessage) answer.output().getFirst()).text()).startsWith("Your order is on the way");
        }
    }

    private static final int EPOCHS = 3;
    private static final int BATCH = 4;

    private static FunctionTool tool(String name, String description) {
        JsonValue order = Json.parse("""
                {"type": "object", "properties": {"order": {"type": "string", "maxLength": 6}},
                 "required": ["order"], "additionalProperties": false}""");
        return new FunctionTool(name, description, order, true);
    }
}
