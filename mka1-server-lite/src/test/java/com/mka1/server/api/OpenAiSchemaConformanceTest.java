package com.mka1.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.core.EmbeddedMka1;
import com.mka1.core.EmbeddedMka1;
import com.mka1.server.Mka1Server;
import com.mka1.server.http.ApiKeys;
import com.mka1.server.cli.PlainJson;
import com.mka1.server.http.HttpLimits;
import com.mka1.server.http.Router;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.Multipart;
import com.mka1.server.testing.OpenApiSchemas;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TrainingData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JSON object a full workflow receives (files, jobs in every status, events, checkpoints,
 * models, responses and each SSE event type, chat completions and chunks, errors) validates against
 * OpenAI's component schemas (the committed subset {@code /openai/components.json}). Jobs read
 * while pausing or paused validate with MKA1's documented status extension.
 */
class OpenAiSchemaConformanceTest {
    private static final OpenApiSchemas SCHEMAS = OpenApiSchemas.openAi();
    private static final Map<String, String> EVENT_SCHEMAS = Map.ofEntries(
            Map.entry("response.created", "ResponseLifecycleEvent"),
            Map.entry("response.in_progress", "ResponseLifecycleEvent"),
            Map.entry("response.completed", "ResponseLifecycleEvent"),
            Map.entry("response.incomplete", "ResponseLifecycleEvent"),
            Map.entry("response.failed", "ResponseLifecycleEvent"),
            Map.entry("response.output_item.added", "ResponseOutputItemEvent"),
            Map.entry("response.output_item.done", "ResponseOutputItemEvent"),
            Map.entry("response.content_part.added", "ResponseContentPartEvent"),
            Map.entry("response.content_part.done", "ResponseContentPartEvent"),
            Map.entry("response.output_text.delta", "ResponseTextDeltaEvent"),
            Map.entry("response.output_text.done", "ResponseTextDoneEvent"),
            Map.entry("response.function_call_arguments.delta", "ResponseFunctionCallArgumentsDeltaEvent"),
            Map.entry("response.function_call_arguments.done", "ResponseFunctionCallArgumentsDoneEvent"),
            Map.entry("error", "ResponseErrorEvent"));

    @TempDir
    Path dir;
    private final Set<String> jobStatuses = new LinkedHashSet<>();
    private final Set<String> eventTypes = new LinkedHashSet<>();

    private static String valid(String schema, Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return valid(schema, reply.body());
    }

    private static String valid(String schema, String json) {
        assertThat(SCHEMAS.problems(schema, json)).as("%s: %s", schema, json).isEmpty();
        return json;
    }

    private static String[] admin() {
        return TestServer.bearer(TestServer.ADMIN_KEY);
    }

    private static String id(String json) {
        return (String) PlainJson.parseObject(json, "object").get("id");
    }

    private String job(TestServer server, String id) {
        String json = server.http.get("/v1/fine_tuning/jobs/" + id, admin()).body();
        return checkJob(json);
    }

    private String checkJob(String json) {
        String status = (String) PlainJson.parseObject(json, "job").get("status");
        jobStatuses.add(status);
        boolean extension = status.equals("pausing") || status.equals("paused");
        assertThat(SCHEMAS.problems("FineTuningJob", json, extension)).as(json).isEmpty();
        if (extension) {
            assertThat(SCHEMAS.problems("FineTuningJob", json)).as("pausing/paused are outside OpenAI's enum")
                    .containsExactly("$.status: \"" + status + "\" is not one of "
                            + "[\"validating_files\",\"queued\",\"running\",\"succeeded\",\"failed\",\"cancelled\"]");
        }
        return status;
    }

    private String awaitStatus(TestServer server, String id, String... wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            status = job(server, id);
            if (List.of(wanted).contains(status)) return status;
            Thread.sleep(10);
        }
        throw new AssertionError(id + " never reached " + List.of(wanted) + " (last " + status + ")");
    }

    private static String upload(TestServer server, String name, String content) {
        Multipart form = new Multipart().field("purpose", "fine-tune").file("file", name, content);
        return id(valid("OpenAIFile", server.http.post("/v1/files", form.contentType(), form.body(), admin())));
    }

    private void sse(String body) {
        for (String frame : body.split("\n\n")) {
            String data = frame.substring(frame.indexOf("data: ") + "data: ".length());
            String type = (String) PlainJson.parseObject(data, "event").get("type");
            eventTypes.add(type);
            assertThat(EVENT_SCHEMAS).as("schema for %s", type).containsKey(type);
            valid(EVENT_SCHEMAS.get(type), data);
        }
    }

    @Test
    void everyObjectOfAFullWorkflowValidates() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"), new ScriptedTrainer(40, 20, 10))) {
            String file = upload(server, "train.jsonl", TrainingData.chatJsonl(12));
            valid("OpenAIFile", server.http.get("/v1/files/" + file, admin()));
            valid("ListFilesResponse", server.http.get("/v1/files", admin()));
            assertThat(valid("ListFilesResponse", server.http.get("/v1/files?purpose=batch", admin())))
                    .isEqualTo("{\"object\":\"list\",\"data\":[],\"has_more\":false,\"first_id\":\"\",\"last_id\":\"\"}");

            // jobs: created, running, pausing/paused, resumed, succeeded; one cancelled; one failed
            String body = "{\"model\":\"test:base\",\"training_file\":\"" + file + "\",\"suffix\":\"schema\"}";
            String created = valid("FineTuningJob", server.http.postJson("/v1/fine_tuning/jobs", body, admin()));
            checkJob(created);
            String jobId = id(created);
            awaitStatus(server, jobId, "running");
            checkJob(server.http.postJson("/v1/fine_tuning/jobs/" + jobId + "/pause", "", admin()).body());
            awaitStatus(server, jobId, "paused");
            checkJob(server.http.postJson("/v1/fine_tuning/jobs/" + jobId + "/resume", "", admin()).body());
            awaitStatus(server, jobId, "succeeded");
            String other = id(valid("FineTuningJob", server.http.postJson("/v1/fine_tuning/jobs",
                    "{\"model\":\"test:base\",\"training_file\":\"" + file + "\"}", admin())));
            checkJob(server.http.postJson("/v1/fine_tuning/jobs/" + other + "/cancel", "", admin()).body());
            String bad = upload(server, "bad.jsonl", "not json\n");
            String failing = id(valid("FineTuningJob", server.http.postJson("/v1/fine_tuning/jobs",
                    "{\"model\":\"test:base\",\"training_file\":\"" + bad + "\"}", admin())));
            awaitStatus(server, failing, "failed");
            assertThat(jobStatuses).contains("validating_files", "running", "paused", "succeeded", "cancelled", "failed");
            valid("ListPaginatedFineTuningJobsResponse", server.http.get("/v1/fine_tuning/jobs?limit=100", admin()));
            valid("ListFineTuningJobEventsResponse", server.http.get("/v1/fine_tuning/jobs/" + jobId + "/events?limit=100", admin()));
            valid("ListFineTuningJobCheckpointsResponse", server.http.get("/v1/fine_tuning/jobs/" + jobId + "/checkpoints", admin()));
            valid("ListFineTuningJobEventsResponse", server.http.get("/v1/fine_tuning/jobs/" + failing + "/events", admin()));

            // models
            valid("ListModelsResponse", server.http.get("/v1/models", admin()));
            valid("Model", server.http.get("/v1/models/ft:test:base:schema", admin()));
            valid("Model", server.http.get("/v1/models/" + EmbeddedMka1.EMBEDDED_MODEL, admin()));
            valid("DeleteModelResponse", server.http.delete("/v1/models/ft:test:base:schema:ckpt-step-10", admin()));
            // the model export (an MKA1 extension) answers with OpenAI's file object, and its errors with the envelope
            String exported = valid("OpenAIFile", server.http.postJson("/v1/models/" + EmbeddedMka1.EMBEDDED_MODEL + "/export",
                    "{\"type\":\"q8_0\"}", admin()));
            assertThat(PlainJson.parseObject(exported, "file")).containsEntry("purpose", "fine-tune-results")
                    .containsEntry("filename", "mka1-tiny.q8_0.gguf");
            Reply badType = server.http.postJson("/v1/models/" + EmbeddedMka1.EMBEDDED_MODEL + "/export", "{\"type\":\"q4_k\"}",
                    admin());
            assertThat(badType.status()).isEqualTo(400);
            valid("ErrorResponse", badType.body());

            // responses: whole (incomplete and completed), stored, streamed
            String request = "{\"model\":\"" + EmbeddedMka1.EMBEDDED_MODEL + "\",\"input\":\"Hi\",\"temperature\":0,";
            String incomplete = valid("Response", server.http.postJson("/v1/responses", request + "\"max_output_tokens\":2}", admin()));
            valid("Response", server.http.get("/v1/responses/" + id(incomplete), admin()));
            valid("Response", server.http.postJson("/v1/responses", request
                    + "\"max_output_tokens\":64,\"stop\":[\" \",\"e\",\"a\",\"o\"],\"instructions\":\"Be brief.\"}", admin()));
            sse(server.http.postJson("/v1/responses", request + "\"max_output_tokens\":3,\"stream\":true}", admin()).body());

            // chat completions, whole and streamed with the usage chunk
            String chat = "{\"model\":\"" + EmbeddedMka1.EMBEDDED_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    + "\"max_tokens\":3,\"temperature\":0";
            valid("CreateChatCompletionResponse", server.http.postJson("/v1/chat/completions", chat + "}", admin()));
            String stream = server.http.postJson("/v1/chat/completions", chat
                    + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", admin()).body();
            List<String> chunks = List.of(stream.split("\n\n"));
            assertThat(chunks.getLast()).isEqualTo("data: [DONE]");
            for (String chunk : chunks.subList(0, chunks.size() - 1)) {
                valid("CreateChatCompletionStreamResponse", chunk.substring("data: ".length()));
            }
            assertThat(chunks.get(chunks.size() - 2)).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":");

            // errors, each with its status
            for (Reply error : List.of(server.http.get("/v1/files/file_missing", admin()),
                    server.http.postJson("/v1/responses", "{\"model\":\"m\"}", admin()),
                    server.http.get("/v1/files", "Authorization", "Bearer sk-wrong"),
                    server.http.get("/v1/fine_tuning/jobs", TestServer.bearer(TestServer.USER_KEY)),
                    server.http.postJson("/v1/responses", request + "\"tools\":\"x\"}", admin()))) {
                assertThat(error.status()).isBetween(400, 499);
                valid("ErrorResponse", error.body());
            }
            valid("DeleteFileResponse", server.http.delete("/v1/files/" + bad, admin()));
        }
        assertThat(eventTypes).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.incomplete");
    }

    @Test
    void functionCallsAndTheirEventsValidate() {
        try (TestServer server = TestServer.start(dir.resolve("tools"), new ScriptedTrainer(1, 0, 1))) {
            com.mka1.server.testing.ToolsModel.install(dir.resolve("tools/models"));
            String function = "\"name\":\"get_order\",\"parameters\":{\"type\":\"object\",\"properties\":{\"order_id\":"
                    + "{\"type\":\"string\",\"maxLength\":4}},\"required\":[\"order_id\"],\"additionalProperties\":false},"
                    + "\"strict\":true";
            String tools = "[{\"type\":\"function\"," + function + "}]";
            String request = "{\"model\":\"test:tools\",\"input\":\"Where is A1?\",\"max_output_tokens\":80,\"tools\":" + tools
                    + ",\"tool_choice\":{\"type\":\"function\",\"name\":\"get_order\"}";
            String response = valid("Response", server.http.postJson("/v1/responses", request + "}", admin()));
            assertThat(response).contains("\"type\":\"function_call\"");
            sse(server.http.postJson("/v1/responses", request + ",\"stream\":true}", admin()).body());
            assertThat(eventTypes).contains("response.function_call_arguments.delta", "response.function_call_arguments.done");
            String chat = "{\"model\":\"test:tools\",\"messages\":[{\"role\":\"user\",\"content\":\"Where is A1?\"}],"
                    + "\"max_tokens\":80,\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{"
                    + function + "}}]";
            assertThat(valid("CreateChatCompletionResponse", server.http.postJson("/v1/chat/completions", chat + "}", admin())))
                    .contains("\"finish_reason\":\"tool_calls\"");
            String chunks = server.http.postJson("/v1/chat/completions", chat + ",\"stream\":true}", admin()).body();
            for (String chunk : chunks.split("\n\n")) {
                if (!chunk.equals("data: [DONE]")) valid("CreateChatCompletionStreamResponse", chunk.substring("data: ".length()));
            }
            assertThat(chunks).contains("\"tool_calls\":[{\"index\":0,");
        }
    }

    @Test
    void theValidatorRejectsWhatTheStrictClientsRejected() {
        String usage = "\"usage\":{\"input_tokens\":1,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":1,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":2}";
        String before = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\",\"model\":\"m\","
                + "\"error\":null,\"incomplete_details\":null,\"instructions\":null,\"metadata\":{},\"parallel_tool_calls\":true,"
                + "\"temperature\":1.0,\"top_p\":1.0,\"tool_choice\":\"auto\",\"tools\":[],\"output\":[{\"type\":\"message\","
                + "\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"x\",\"annotations\":[]}]}]," + usage + ",\"user\":null}";
        assertThat(SCHEMAS.problems("Response", before)).containsExactly(
                "$.output[0].content[0]: required field 'logprobs' is missing",
                "$.usage.input_tokens_details: required field 'cache_write_tokens' is missing",
                "$.user: null where the schema does not allow it");
        assertThat(SCHEMAS.problems("OpenAIFile", "{\"id\":\"f\",\"object\":\"file\",\"bytes\":1.5,\"created_at\":1,"
                + "\"expires_at\":null,\"filename\":\"a\",\"purpose\":\"fine-tune\",\"status\":\"done\"}")).containsExactly(
                "$.bytes: expected integer, got 1.5", "$.expires_at: null where the schema does not allow it",
                "$.status: \"done\" is not one of [\"uploaded\",\"processed\",\"error\"]");
    }

    @Test
    void aFailedResponseAndItsErrorEventValidate() throws Exception {
        EmbeddedMka1 engine = EmbeddedMka1.builder().dataDir(dir.resolve("failing")).trainer(new ScriptedTrainer(1, 0, 1)).build();
        Router router = new Router();
        new ResponsesEndpoints(caller -> new FailingAtFirstDelta(engine.responses(caller))).mount(router);
        try (Mka1Server server = Mka1Server.start("127.0.0.1", 0, ApiKeys.parseList("sk-user-0123456789:user", "test"), router,
                new ApiErrors(), new HttpLimits(1 << 20, 1 << 20), engine, 1)) {
            HttpTestClient http = new HttpTestClient(server.baseUri());
            String request = "{\"model\":\"" + EmbeddedMka1.EMBEDDED_MODEL + "\",\"input\":\"Hi\",\"max_output_tokens\":4";
            String failed = valid("Response", http.postJson("/v1/responses", request + "}",
                    "Authorization", "Bearer sk-user-0123456789"));
            assertThat(PlainJson.parseObject(failed, "r")).containsEntry("status", "failed");
            sse(http.postJson("/v1/responses", request + ",\"stream\":true}", "Authorization", "Bearer sk-user-0123456789").body());
        }
        assertThat(eventTypes).contains("error", "response.failed");
    }
}
