package com.mka1.server.e2e;

import static com.mka1.server.testing.HttpTestClient.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.server.cli.PlainJson;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TestServer.CliRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /responses, /chat/completions and /models over HTTP against the embedded mka1:tiny model. */
class ResponsesApiTest {
    private static final String MODEL = "mka1:tiny";
    private static final String[] USER = {"Authorization", "Bearer " + TestServer.USER_KEY};
    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, new ScriptedTrainer(2, 1, 10));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] as(String endUser) {
        return TestServer.bearer(TestServer.USER_KEY, "X-On-Behalf-Of", endUser);
    }

    /** The frames of an SSE body: each an (event, data) pair. */
    private static List<String[]> frames(String body) {
        List<String[]> frames = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String event = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (data != null) {
                frames.add(new String[] {event, data});
            }
        }
        return frames;
    }

    @Test
    void createsStoresAndRetrievesAResponse() {
        Reply created = server.http.postJson("/v1/responses", "{\"model\":\"" + MODEL + "\",\"input\":\"Hello\","
                + "\"max_output_tokens\":6,\"temperature\":0,\"metadata\":{\"k\":\"v\"}}", as("alice"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        Map<String, Object> response = PlainJson.parseObject(created.body(), "response");
        assertThat((String) response.get("id")).matches("resp_[0-9a-f]{32}");
        assertThat(response).containsEntry("object", "response").containsEntry("model", MODEL)
                .containsEntry("metadata", Map.of("k", "v")).containsEntry("max_output_tokens", 6);
        assertThat(response.get("status")).isIn("completed", "incomplete");
        Map<?, ?> message = (Map<?, ?>) ((List<?>) response.get("output")).getFirst();
        assertThat(message.get("type")).isEqualTo("message");
        assertThat(message.get("role")).isEqualTo("assistant");
        Map<?, ?> usage = (Map<?, ?>) response.get("usage");
        assertThat(((Number) usage.get("output_tokens")).intValue()).isBetween(1, 6);
        assertThat(((Number) usage.get("total_tokens")).intValue()).isEqualTo(
                ((Number) usage.get("input_tokens")).intValue() + ((Number) usage.get("output_tokens")).intValue());

        Reply again = server.http.get("/v1/responses/" + response.get("id"), as("alice"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(created.body());
        assertThat(server.http.get("/v1/responses/" + response.get("id"), as("bob")).status()).isEqualTo(404);
        assertThat(server.http.get("/v1/responses/" + response.get("id"), USER).body()).isEqualTo(created.body());
    }

    @Test
    void streamsTheSpecsEventsInOrderWithIncreasingSequenceNumbers() {
        Reply stream = server.http.postJson("/v1/responses", "{\"model\":\"" + MODEL + "\",\"input\":\"Hi\","
                + "\"max_output_tokens\":5,\"temperature\":0,\"stream\":true}", USER);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
        List<String[]> frames = frames(stream.body());
        List<String> types = frames.stream().map(f -> f[0]).toList();
        assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added");
        assertThat(types.subList(types.size() - 4, types.size())).containsExactly("response.output_text.done",
                "response.content_part.done", "response.output_item.done",
                types.getLast().equals("response.completed") ? "response.completed" : "response.incomplete");
        StringBuilder deltas = new StringBuilder();
        for (int i = 0; i < frames.size(); i++) {
            Map<String, Object> data = PlainJson.parseObject(frames.get(i)[1], "event " + i);
            assertThat(data).containsEntry("type", frames.get(i)[0]).containsEntry("sequence_number", i);
            if (frames.get(i)[0].equals("response.output_text.delta")) {
                deltas.append(data.get("delta"));
            }
        }
        Map<String, Object> done = PlainJson.parseObject(frames.get(frames.size() - 4)[1], "done");
        assertThat(done.get("text")).isEqualTo(deltas.toString());
    }

    @Test
    void requestErrorsNameTheField() {
        Reply noInput = server.http.postJson("/v1/responses", "{\"model\":\"" + MODEL + "\"}", USER);
        assertThat(noInput.status()).isEqualTo(400);
        assertThat(((Map<?, ?>) PlainJson.parseObject(noInput.body(), "e").get("error")).get("param")).isEqualTo("input");
        Reply badTemperature = server.http.postJson("/v1/responses", "{\"model\":\"" + MODEL + "\",\"input\":\"x\","
                + "\"temperature\":3}", USER);
        assertThat(badTemperature.status()).isEqualTo(400);
        assertThat(((Map<?, ?>) PlainJson.parseObject(badTemperature.body(), "e").get("error")).get("param"))
                .isEqualTo("temperature");
        Reply unknownModel = server.http.postJson("/v1/responses", "{\"model\":\"no:such\",\"input\":\"x\"}", USER);
        assertThat(unknownModel.status()).isBetween(400, 404);
        assertThat(((Map<?, ?>) PlainJson.parseObject(unknownModel.body(), "e").get("error")).get("param")).isEqualTo("model");
        assertThat(server.http.get("/v1/responses/resp_missing", USER).status()).isEqualTo(404);

        // Refused before the first event: an ordinary JSON error, not a 200 stream.
        for (String path : List.of("/v1/responses", "/v1/chat/completions")) {
            String body = path.endsWith("responses") ? "{\"model\":\"no:such\",\"input\":\"x\",\"stream\":true}"
                    : "{\"model\":\"no:such\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}";
            Reply streamed = server.http.postJson(path, body, USER);
            assertThat(streamed.status()).isEqualTo(unknownModel.status());
            assertThat(streamed.header("Content-Type")).isEqualTo("application/json");
            assertThat(streamed.body()).isEqualTo(unknownModel.body());
        }
    }

    @Test
    void unsupportedAndUnknownFieldsAre400NamingTheFieldAndDefaultsAreAccepted() {
        String base = "{\"model\":\"" + MODEL + "\",\"input\":\"Hi\",\"max_output_tokens\":2,";
        String chat = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2,";
        record Case(String path, String body, String message, String param, String code) {}
        List<Case> cases = List.of(
                new Case("/v1/responses", base + "\"tools\":\"x\"}",
                        "Invalid type for 'tools': expected an array, but got a string instead.", "tools", "invalid_type"),
                new Case("/v1/responses", base + "\"tools\":[{\"type\":\"web_search\"}]}",
                        "Unsupported parameter: tool type 'web_search' is not supported by this server (only function tools).",
                        "tools[0].type", "unsupported_parameter"),
                new Case("/v1/responses", base + "\"tools\":[{\"type\":\"function\"}]}",
                        "Missing required parameter: 'tools[0].name'.", "tools[0].name", "missing_required_parameter"),
                new Case("/v1/responses", base + "\"text\":\"notanobject\"}",
                        "Invalid type for 'text': expected an object, but got a string instead.", "text", "invalid_type"),
                new Case("/v1/responses", base + "\"text\":{\"format\":{\"type\":\"yaml\"}}}",
                        "Invalid 'text.format.type': must be one of text, json_object, json_schema; got 'yaml'.", "text.format.type", "invalid_value"),
                new Case("/v1/responses", base + "\"tool_choice\":\"required\"}",
                        "Invalid 'tool_choice': a call is required but no tools are given.", "tool_choice", "invalid_value"),
                new Case("/v1/responses", base + "\"tool_choice\":\"sometimes\"}",
                        "Invalid 'tool_choice': expected auto, none, required or a function, got 'sometimes'.",
                        "tool_choice", "invalid_value"),
                new Case("/v1/responses", base + "\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],"
                        + "\"tool_choice\":{\"type\":\"function\",\"name\":\"g\"}}",
                        "Invalid 'tool_choice': function 'g' is not among the tools.", "tool_choice", "invalid_value"),
                new Case("/v1/responses", base + "\"max_tool_calls\":0}",
                        "Invalid 'max_tool_calls': must be at least 1, got 0.", "max_tool_calls", "invalid_value"),
                new Case("/v1/responses", base + "\"max_tool_calls\":\"3\"}",
                        "Invalid type for 'max_tool_calls': expected an integer, but got a string instead.",
                        "max_tool_calls", "invalid_type"),
                new Case("/v1/responses", base + "\"temprature\":0}", "Unknown parameter: 'temprature'.", "temprature",
                        "unknown_parameter"),
                new Case("/v1/chat/completions", chat + "\"tools\":\"x\"}",
                        "Invalid type for 'tools': expected an array, but got a string instead.", "tools", "invalid_type"),
                new Case("/v1/chat/completions", chat + "\"response_format\":{\"type\":\"yaml\"}}",
                        "Invalid 'response_format.type': must be one of text, json_object, json_schema; got 'yaml'.",
                        "response_format.type", "invalid_value"),
                new Case("/v1/chat/completions", chat + "\"n\":2}",
                        "Unsupported parameter: 'n' is not supported by this server yet (one choice per request).", "n",
                        "unsupported_parameter"),
                new Case("/v1/chat/completions", chat + "\"bogus\":true}", "Unknown parameter: 'bogus'.", "bogus",
                        "unknown_parameter"));
        for (Case c : cases) {
            Reply reply = server.http.postJson(c.path(), c.body(), USER);
            assertThat(reply.status()).as(c.body()).isEqualTo(400);
            assertThat(reply.body()).as(c.body()).isEqualTo(envelope(c.message(), "invalid_request_error", c.param(), c.code()));
        }
        // what the server does anyway, said explicitly, is accepted
        Reply defaults = server.http.postJson("/v1/responses", base + "\"tools\":[],\"tool_choice\":\"auto\","
                + "\"parallel_tool_calls\":true,\"text\":{\"format\":{\"type\":\"text\"}},\"truncation\":\"disabled\","
                + "\"background\":false,\"include\":[],\"tool_choice\":null}", USER);
        assertThat(defaults.status()).as(defaults.body()).isEqualTo(200);
        Reply chatDefaults = server.http.postJson("/v1/chat/completions", chat + "\"tools\":[],\"n\":1,"
                + "\"response_format\":{\"type\":\"text\"},\"logprobs\":false,\"frequency_penalty\":0}", USER);
        assertThat(chatDefaults.status()).as(chatDefaults.body()).isEqualTo(200);
    }

    @Test
    void chatCompletionsWholeAndStreamed() {
        Reply whole = server.http.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":4,\"temperature\":0}", USER);
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        Map<String, Object> completion = PlainJson.parseObject(whole.body(), "completion");
        assertThat(completion.keySet()).containsExactly("id", "object", "created", "model", "choices", "usage");
        assertThat((String) completion.get("id")).matches("chatcmpl_[0-9a-f]{32}");
        assertThat(completion).containsEntry("object", "chat.completion").containsEntry("model", MODEL);
        Map<?, ?> choice = (Map<?, ?>) ((List<?>) completion.get("choices")).getFirst();
        assertThat(choice.get("finish_reason")).isIn("stop", "length");
        String text = (String) ((Map<?, ?>) choice.get("message")).get("content");

        Reply streamed = server.http.postJson("/v1/chat/completions", "{\"model\":\"" + MODEL + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":4,\"temperature\":0,\"stream\":true}", USER);
        List<String[]> frames = frames(streamed.body());
        assertThat(frames).allSatisfy(f -> assertThat(f[0]).isNull());
        assertThat(frames.getLast()[1]).isEqualTo("[DONE]");
        Map<?, ?> first = (Map<?, ?>) ((List<?>) PlainJson.parseObject(frames.getFirst()[1], "chunk").get("choices")).getFirst();
        assertThat(((Map<?, ?>) first.get("delta")).get("role")).isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        for (String[] frame : frames.subList(1, frames.size() - 1)) {
            Map<String, Object> chunk = PlainJson.parseObject(frame[1], "chunk");
            assertThat(chunk).containsEntry("object", "chat.completion.chunk").containsEntry("id",
                    PlainJson.parseObject(frames.getFirst()[1], "first").get("id"));
            Object piece = ((Map<?, ?>) ((Map<?, ?>) ((List<?>) chunk.get("choices")).getFirst()).get("delta")).get("content");
            content.append(piece == null ? "" : piece);
        }
        assertThat(content.toString()).isEqualTo(text);
    }

    @Test
    void modelsListRetrieveAndRefuseToDeleteBaseModels() {
        Map<String, Object> list = PlainJson.parseObject(server.http.get("/v1/models", USER).body(), "models");
        assertThat(list).containsEntry("object", "list");
        assertThat((List<?>) list.get("data")).extracting(m -> (Object) ((Map<?, ?>) m).get("id"))
                .contains(MODEL, TestServer.BASE_MODEL);
        for (String path : List.of("/v1/models/mka1%3Atiny", "/v1/models/mka1:tiny")) {
            Map<String, Object> model = PlainJson.parseObject(server.http.get(path, USER).body(), "model");
            assertThat(model).containsEntry("id", MODEL).containsEntry("object", "model");
        }
        assertThat(server.http.get("/v1/models/no%3Asuch", USER).status()).isEqualTo(404);
        Reply deleteBase = server.http.delete("/v1/models/mka1%3Atiny",
                "Authorization", "Bearer " + TestServer.ADMIN_KEY);
        assertThat(deleteBase.status()).isEqualTo(403);
        assertThat(server.http.delete("/v1/models/mka1%3Atiny", USER).status()).isEqualTo(403);
    }

    @Test
    void theGuidesResponsesCommand() {
        CliRun run = server.cli("llm", "responses", "create", "--model", MODEL, "--input",
                "\"Write a support reply for a delayed shipment.\"", "--max-output-tokens", "4", "--temperature", "0");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, Object> response = PlainJson.parseObject(run.out(), "response");
        assertThat(response).containsEntry("object", "response").containsEntry("model", MODEL);
        assertThat(run.out()).startsWith("{\n  \"id\" : \"resp_");

        CliRun followUp = server.cli("llm", "responses", "create", "--model", MODEL, "--input",
                "[{\"role\": \"user\", \"content\": \"And now?\"}]", "--instructions", "Be brief.",
                "--previous-response-id", (String) response.get("id"), "--max-output-tokens", "3");
        assertThat(followUp.exitCode()).as(followUp.err()).isZero();
        assertThat(PlainJson.parseObject(followUp.out(), "r")).containsEntry("previous_response_id", response.get("id"))
                .containsEntry("instructions", "Be brief.");

        CliRun streamed = server.cli("llm", "responses", "create", "--model", MODEL, "--input", "\"Hi\"",
                "--max-output-tokens", "3", "--stream", "true");
        assertThat(streamed.exitCode()).as(streamed.err()).isZero();
        assertThat(streamed.out()).startsWith("event: response.created\ndata: {\"type\":\"response.created\"");

        CliRun plain = server.cli("llm", "responses", "create", "--model", MODEL, "--input", "Hi", "--temperature", "0",
                "--max-output-tokens", "3");
        CliRun quoted = server.cli("llm", "responses", "create", "--model", MODEL, "--input", "\"Hi\"", "--temperature", "0",
                "--max-output-tokens", "3");
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(outputText(plain.out())).isEqualTo(outputText(quoted.out()));

        CliRun badInput = server.cli("llm", "responses", "create", "--model", MODEL, "--input", "[{\"role\"");
        assertThat(badInput.exitCode()).isEqualTo(2);
        assertThat(badInput.err()).startsWith(
                "mka1 llm responses create: --input (plain text, a JSON string or a JSON list of messages) is not valid JSON");
    }

    private static String outputText(String responseJson) {
        Map<?, ?> message = (Map<?, ?>) ((List<?>) PlainJson.parseObject(responseJson, "r").get("output")).getFirst();
        return (String) ((Map<?, ?>) ((List<?>) message.get("content")).getFirst()).get("text");
    }
}
