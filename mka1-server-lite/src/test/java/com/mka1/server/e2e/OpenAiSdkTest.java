package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.BadRequestException;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.checkpoints.FineTuningJobCheckpoint;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's official Java client, changed only in base URL and key, drives the server with strict
 * response validation: every object it reads must carry the fields its schema requires, typed as
 * the schema says. Only jobs read while {@code pausing}/{@code paused} (MKA1's pause/resume
 * extension, outside OpenAI's status enum) go through a lenient client.
 */
class OpenAiSdkTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static OpenAIClient admin;
    private static OpenAIClient lenient;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir.resolve("data"), new ScriptedTrainer(40, 20, 10));
        com.mka1.server.testing.ToolsModel.install(dir.resolve("data/models"));
        admin = client(TestServer.ADMIN_KEY, true);
        lenient = client(TestServer.ADMIN_KEY, false);
    }

    @AfterAll
    static void stop() {
        admin.close();
        lenient.close();
        server.close();
    }

    private static OpenAIClient client(String key, boolean strict) {
        return OpenAIOkHttpClient.builder().baseUrl(server.root() + "/v1").apiKey(key).maxRetries(0)
                .responseValidation(strict).timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void uploadCreateRetrieveEventsCheckpointsPauseResumeCancel() throws Exception {
        Path train = TrainingData.writeChatFile(dir, "train.jsonl", 12);
        FileObject file = admin.files().create(FileCreateParams.builder().file(train).purpose(FilePurpose.FINE_TUNE).build());
        assertThat(file.id()).matches("file_[0-9a-f]{32}");
        assertThat(file.bytes()).isEqualTo(Files.size(train));
        assertThat(file.filename()).isEqualTo("train.jsonl");
        assertThat(admin.files().retrieve(file.id()).id()).isEqualTo(file.id());

        FineTuningJob created = admin.fineTuning().jobs().create(JobCreateParams.builder().model("test:base")
                .trainingFile(file.id()).suffix("sdk").build());
        assertThat(created.id()).matches("ftjob_[0-9a-f]{32}");
        assertThat(created.model()).isEqualTo("test:base");
        assertThat(admin.fineTuning().jobs().retrieve(created.id()).trainingFile()).isEqualTo(file.id());

        awaitStatus(created.id(), "running");
        awaitCheckpoint(created.id());
        FineTuningJob pausing = lenient.fineTuning().jobs().pause(created.id());
        assertThat(pausing.status().asString()).isIn("pausing", "paused");
        awaitStatus(created.id(), "paused");
        assertThat(lenient.fineTuning().jobs().resume(created.id()).status().asString()).isIn("queued", "running");

        List<FineTuningJobEvent> events = admin.fineTuning().jobs().listEvents(created.id()).data();
        assertThat(events).isNotEmpty();
        assertThat(events).extracting(FineTuningJobEvent::message).contains("Job resumed");
        List<FineTuningJobCheckpoint> checkpoints = admin.fineTuning().jobs().checkpoints().list(created.id()).data();
        assertThat(checkpoints).isNotEmpty().allSatisfy(c -> assertThat(c.fineTuningJobId()).isEqualTo(created.id()));
        // Newest first; the resumed job may already have passed its next checkpoint, so the oldest is the first one.
        assertThat(checkpoints.getLast().stepNumber()).isEqualTo(10);

        FineTuningJob cancelled = admin.fineTuning().jobs().cancel(created.id());
        assertThat(cancelled.status()).isEqualTo(FineTuningJob.Status.CANCELLED);
        assertThat(admin.fineTuning().jobs().list().data()).extracting(FineTuningJob::id).contains(created.id());
    }

    @Test
    void responsesCreateAndRetrieve() {
        com.openai.models.responses.Response response = admin.responses().create(
                com.openai.models.responses.ResponseCreateParams.builder().model("mka1:tiny")
                        .input("Write a support reply for a delayed shipment.").maxOutputTokens(5).temperature(0).build());
        assertThat(response.id()).matches("resp_[0-9a-f]{32}");
        String text = response.output().getFirst().message().orElseThrow().content().getFirst().outputText()
                .orElseThrow().text();
        assertThat(admin.responses().retrieve(response.id()).output().getFirst().message().orElseThrow().content()
                .getFirst().outputText().orElseThrow().text()).isEqualTo(text);
    }

    @Test
    void everyJobStatusFilesAndModelsValidateStrictly() throws Exception {
        Path train = TrainingData.writeChatFile(dir, "strict.jsonl", 12);
        FileObject file = admin.files().create(FileCreateParams.builder().file(train).purpose(FilePurpose.FINE_TUNE).build());
        assertThat(admin.files().list().data()).extracting(FileObject::id).contains(file.id());
        assertThat(admin.files().list(com.openai.models.files.FileListParams.builder().purpose("batch").build()).data())
                .isEmpty();
        FineTuningJob job = admin.fineTuning().jobs().create(JobCreateParams.builder().model("test:base")
                .trainingFile(file.id()).suffix("strict").build());
        assertThat(job.status()).isIn(FineTuningJob.Status.VALIDATING_FILES, FineTuningJob.Status.QUEUED);
        awaitStatus(job.id(), "succeeded");
        FineTuningJob done = admin.fineTuning().jobs().retrieve(job.id());
        assertThat(done.fineTunedModel()).contains("ft:test:base:strict");
        assertThat(done.resultFiles()).hasSize(1);
        assertThat(admin.files().retrieve(done.resultFiles().getFirst()).purpose())
                .isEqualTo(FileObject.Purpose.FINE_TUNE_RESULTS);
        assertThat(admin.fineTuning().jobs().listEvents(job.id()).data().getFirst().message())
                .isEqualTo("The job has successfully completed");
        assertThat(admin.fineTuning().jobs().checkpoints().list(job.id()).data())
                .extracting(FineTuningJobCheckpoint::stepNumber).containsExactly(30L, 20L, 10L);

        FileObject bad = admin.files().create(FileCreateParams.builder()
                .file(Files.writeString(dir.resolve("bad.jsonl"), "not json\n")).purpose(FilePurpose.FINE_TUNE).build());
        FineTuningJob failing = admin.fineTuning().jobs().create(JobCreateParams.builder().model("test:base")
                .trainingFile(bad.id()).build());
        awaitStatus(failing.id(), "failed");
        FineTuningJob failed = admin.fineTuning().jobs().retrieve(failing.id());
        assertThat(failed.error().orElseThrow().code()).isEqualTo("invalid_training_file");

        com.openai.models.models.Model model = admin.models().retrieve("ft:test:base:strict");
        assertThat(model.ownedBy()).isEqualTo("org_mka1");
        assertThat(admin.models().list().data()).extracting(com.openai.models.models.Model::id)
                .contains("test:base", "mka1:tiny", "ft:test:base:strict");
        assertThat(admin.models().delete("ft:test:base:strict:ckpt-step-10").deleted()).isTrue();
        assertThat(admin.files().delete(bad.id()).deleted()).isTrue();
    }

    @Test
    void responsesStreamAndChatCompletionsValidateStrictly() {
        com.openai.models.responses.ResponseCreateParams params = com.openai.models.responses.ResponseCreateParams.builder()
                .model("mka1:tiny").input("Write a support reply.").maxOutputTokens(4).temperature(0).build();
        List<com.openai.models.responses.ResponseStreamEvent> events;
        try (var stream = admin.responses().createStreaming(params)) {
            events = stream.stream().toList();
        }
        events.forEach(com.openai.models.responses.ResponseStreamEvent::validate);
        assertThat(events.getFirst().isCreated()).isTrue();
        assertThat(events).anySatisfy(e -> assertThat(e.isOutputTextDelta()).isTrue());
        assertThat(events).anySatisfy(e -> assertThat(e.isOutputTextDone()).isTrue());
        assertThat(events).anySatisfy(e -> assertThat(e.isContentPartDone()).isTrue());
        com.openai.models.responses.ResponseStreamEvent last = events.getLast();
        assertThat(last.isIncomplete() || last.isCompleted()).isTrue();
        String streamed = events.stream().filter(com.openai.models.responses.ResponseStreamEvent::isOutputTextDelta)
                .map(e -> e.asOutputTextDelta().delta()).reduce("", String::concat);
        com.openai.models.responses.Response whole = admin.responses().create(params);
        assertThat(whole.usage().orElseThrow().inputTokensDetails().cacheWriteTokens()).isZero();
        assertThat(whole.output().getFirst().message().orElseThrow().content().getFirst().outputText().orElseThrow().text())
                .isEqualTo(streamed);

        com.openai.models.chat.completions.ChatCompletionCreateParams chat =
                com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("mka1:tiny")
                        .addUserMessage("Write a support reply.").maxCompletionTokens(4).temperature(0.0).build();
        com.openai.models.chat.completions.ChatCompletion completion = admin.chat().completions().create(chat);
        assertThat(completion.choices().getFirst().message().content()).contains(streamed);
        assertThat(completion.choices().getFirst().message().refusal()).isEmpty();
        List<com.openai.models.chat.completions.ChatCompletionChunk> chunks;
        try (var stream = admin.chat().completions().createStreaming(chat.toBuilder().streamOptions(
                com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = stream.stream().toList();
        }
        chunks.forEach(com.openai.models.chat.completions.ChatCompletionChunk::validate);
        com.openai.models.chat.completions.ChatCompletionChunk usageChunk = chunks.getLast();
        assertThat(usageChunk.choices()).isEmpty();
        assertThat(usageChunk.usage().orElseThrow().completionTokens()).isEqualTo(4);
        assertThat(usageChunk.usage().orElseThrow().totalTokens()).isEqualTo(completion.usage().orElseThrow().totalTokens());
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.delta().content().stream())
                .reduce("", String::concat)).isEqualTo(streamed);
    }

    @Test
    void jsonSchemaTextFormatThroughTheSdk() throws Exception {
        com.openai.models.responses.ResponseFormatTextJsonSchemaConfig.Schema schema =
                com.openai.models.responses.ResponseFormatTextJsonSchemaConfig.Schema.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                        .putAdditionalProperty("properties", com.openai.core.JsonValue.from(java.util.Map.of(
                                "city", java.util.Map.of("type", "string", "maxLength", 10))))
                        .putAdditionalProperty("required", com.openai.core.JsonValue.from(List.of("city")))
                        .putAdditionalProperty("additionalProperties", com.openai.core.JsonValue.from(false)).build();
        com.openai.models.responses.Response response = admin.responses().create(
                com.openai.models.responses.ResponseCreateParams.builder().model("mka1:tiny").input("Which city?")
                        .maxOutputTokens(60).temperature(1.0)
                        .text(com.openai.models.responses.ResponseTextConfig.builder().format(
                                com.openai.models.responses.ResponseFormatTextJsonSchemaConfig.builder().name("city")
                                        .schema(schema).strict(true).build()).build()).build());
        response.validate(); // the SDK's strict check of every field, the echoed text.format included
        assertThat(response.text().orElseThrow().format().orElseThrow().jsonSchema().orElseThrow().name()).isEqualTo("city");
        String text = response.output().getFirst().message().orElseThrow().content().getFirst().outputText()
                .orElseThrow().text();
        var parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        assertThat(parsed.size()).as(text).isEqualTo(1);
        assertThat(parsed.get("city").isTextual()).as(text).isTrue();

        // the SDK's own structured outputs: a schema derived from a class, the answer read back into it
        com.openai.models.responses.StructuredResponse<CityAnswer> typed = admin.responses().create(
                com.openai.models.responses.ResponseCreateParams.builder().model("mka1:tiny").input("Which city?")
                        .maxOutputTokens(80).text(CityAnswer.class).build());
        CityAnswer answer = typed.output().getFirst().message().orElseThrow().content().getFirst().outputText().orElseThrow();
        assertThat(answer.city).isNotNull();
    }

    @Test
    void aFunctionCallRoundTripsThroughTheSdk() {
        com.openai.models.responses.FunctionTool tool = com.openai.models.responses.FunctionTool.builder().name("get_order")
                .description("Looks an order up.").strict(true)
                .parameters(com.openai.models.responses.FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                        .putAdditionalProperty("properties", com.openai.core.JsonValue.from(java.util.Map.of(
                                "order_id", java.util.Map.of("type", "string", "maxLength", 4))))
                        .putAdditionalProperty("required", com.openai.core.JsonValue.from(List.of("order_id")))
                        .putAdditionalProperty("additionalProperties", com.openai.core.JsonValue.from(false)).build())
                .build();
        com.openai.models.responses.Response first = admin.responses().create(
                com.openai.models.responses.ResponseCreateParams.builder().model(com.mka1.server.testing.ToolsModel.ID)
                        .input("Where is order A12?").addTool(tool).maxOutputTokens(120)
                        .toolChoice(com.openai.models.responses.ToolChoiceFunction.builder().name("get_order").build())
                        .build());
        first.validate(); // strict: the function_call item, the echoed tools and tool_choice
        com.openai.models.responses.ResponseFunctionToolCall call = first.output().getFirst().functionCall().orElseThrow();
        assertThat(call.name()).isEqualTo("get_order");
        assertThat(call.callId()).matches("call_[0-9a-f]{32}");
        assertThat(com.mka1.core.json.Json.parse(call.arguments())).isInstanceOf(com.mka1.api.JsonValue.Obj.class);

        com.openai.models.responses.Response answer = admin.responses().create(
                com.openai.models.responses.ResponseCreateParams.builder().model(com.mka1.server.testing.ToolsModel.ID)
                        .previousResponseId(first.id()).addTool(tool).maxOutputTokens(6)
                        .toolChoice(com.openai.models.responses.ToolChoiceOptions.NONE)
                        .inputOfResponse(List.of(com.openai.models.responses.ResponseInputItem.ofFunctionCallOutput(
                                com.openai.models.responses.ResponseInputItem.FunctionCallOutput.builder()
                                        .callId(call.callId()).output("{\"status\":\"shipped\"}").build())))
                        .build());
        answer.validate();
        assertThat(answer.output()).singleElement().satisfies(item -> assertThat(item.isMessage()).isTrue());
    }

    /** The answer class of the SDK's class-based structured outputs. */
    public static final class CityAnswer {
        public String city;
        public long population;
    }

    @Test
    void errorsArriveAsTheSdksTypedExceptions() {
        assertThatThrownBy(() -> admin.fineTuning().jobs().retrieve("ftjob_missing"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("No such fine-tuning job: ftjob_missing");
        OpenAIClient user = client(TestServer.USER_KEY, true);
        try {
            assertThatThrownBy(() -> user.fineTuning().jobs().list())
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessageContaining("This endpoint needs an API key with the admin role");
        } finally {
            user.close();
        }
        assertThatThrownBy(() -> admin.fineTuning().jobs().create(JobCreateParams.builder().model("nobody:nothing")
                .trainingFile("file_x").build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("Model 'nobody:nothing' not found.");
    }

    private static void awaitStatus(String id, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (lenient.fineTuning().jobs().retrieve(id).status().asString().equals(wanted)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(id + " never reached " + wanted);
    }

    private static void awaitCheckpoint(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!admin.fineTuning().jobs().checkpoints().list(id).data().isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(id + " wrote no checkpoint");
    }
}
