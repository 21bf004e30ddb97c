package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.server.cli.PlainJson;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.OpenApiSchemas;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.ToolsModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function calling over HTTP on both mounts: Responses calls and their round trip (plain and streamed,
 * also through previous_response_id), tool_choice variants, chat completions tool_calls; every object
 * validates against OpenAI's schemas.
 */
class ToolCallingApiTest {
    private static final String[] USER = {"Authorization", "Bearer " + TestServer.USER_KEY};
    private static final String[] MOUNTS = {"/v1", "/api/v1/llm"};
    private static final OpenApiSchemas SCHEMAS = OpenApiSchemas.openAi();
    static final String PARAMETERS = "{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\",\"maxLength\":4}},"
            + "\"required\":[\"order_id\"],\"additionalProperties\":false}";
    static final String TOOLS = "[{\"type\":\"function\",\"name\":\"get_order\",\"description\":\"Looks an order up.\","
            + "\"parameters\":" + PARAMETERS + ",\"strict\":true},{\"type\":\"function\",\"name\":\"refund\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false},\"strict\":true}]";
    private static final String CHAT_TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_order\",\"parameters\":"
            + PARAMETERS + ",\"strict\":true}}]";
    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, new ScriptedTrainer(2, 1, 10));
        ToolsModel.install(dir.resolve("models"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String quote(String text) {
        return Json.write(Json.VALUE, new JsonValue.Str(text));
    }

    private static String valid(String schema, String json) {
        assertThat(SCHEMAS.problems(schema, json)).as("%s: %s", schema, json).isEmpty();
        return json;
    }

    private static Map<String, Object> ok(Reply reply, String schema) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return PlainJson.parseObject(valid(schema, reply.body()), schema);
    }

    private static String responses(String extra) {
        return "{\"model\":\"" + ToolsModel.ID + "\",\"input\":\"Where is order A12?\",\"seed\":3,\"max_output_tokens\":120,"
                + "\"tools\":" + TOOLS + extra + "}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> output(Map<String, Object> response) {
        return (List<Map<String, Object>>) response.get("output");
    }

    @Test
    void aRequiredCallRoundTripsOnBothMounts() {
        for (String mount : MOUNTS) {
            Map<String, Object> first = ok(server.http.postJson(mount + "/responses",
                    responses(",\"tool_choice\":{\"type\":\"function\",\"name\":\"get_order\"}"), USER), "Response");
            assertThat(first.get("tool_choice")).isEqualTo(Map.of("type", "function", "name", "get_order"));
            assertThat((List<?>) first.get("tools")).hasSize(2);
            Map<String, Object> call = output(first).getFirst();
            assertThat(output(first)).hasSize(1);
            assertThat(call.keySet()).containsExactly("type", "id", "call_id", "name", "arguments", "status");
            assertThat(call.get("type")).isEqualTo("function_call");
            assertThat((String) call.get("id")).matches("fc_[0-9a-f]{32}");
            assertThat((String) call.get("call_id")).matches("call_[0-9a-f]{32}");
            assertThat(call.get("name")).isEqualTo("get_order");
            Map<String, Object> arguments = PlainJson.parseObject((String) call.get("arguments"), "arguments");
            assertThat(arguments.keySet()).containsExactly("order_id");
            assertThat(((String) arguments.get("order_id")).length()).isLessThanOrEqualTo(4);

            // the output goes back through previous_response_id; the answer is a message
            Map<String, Object> answer = ok(server.http.postJson(mount + "/responses", "{\"model\":\"" + ToolsModel.ID
                    + "\",\"previous_response_id\":\"" + first.get("id") + "\",\"input\":[{\"type\":\"function_call_output\","
                    + "\"call_id\":\"" + call.get("call_id") + "\",\"output\":\"{\\\"status\\\":\\\"shipped\\\"}\"}],"
                    + "\"tools\":" + TOOLS + ",\"tool_choice\":\"none\",\"seed\":1,\"max_output_tokens\":6}", USER), "Response");
            assertThat(output(answer)).singleElement().satisfies(item -> assertThat(item.get("type")).isEqualTo("message"));

            if (!mount.equals("/v1")) {
                continue; // the second mount is the same code: one round trip shows it is wired
            }
            // or inline, replaying the call
            Map<String, Object> inline = ok(server.http.postJson(mount + "/responses", "{\"model\":\"" + ToolsModel.ID
                    + "\",\"input\":[{\"role\":\"user\",\"content\":\"Where is order A12?\"},{\"type\":\"function_call\","
                    + "\"call_id\":\"" + call.get("call_id") + "\",\"name\":\"get_order\",\"arguments\":"
                    + quote((String) call.get("arguments")) + "},{\"type\":\"function_call_output\",\"call_id\":\""
                    + call.get("call_id") + "\",\"output\":\"{\\\"status\\\":\\\"shipped\\\"}\"}],"
                    + "\"tools\":" + TOOLS + ",\"tool_choice\":\"none\",\"seed\":1,\"max_output_tokens\":6}", USER), "Response");
            assertThat(output(inline).getFirst().get("content")).isEqualTo(output(answer).getFirst().get("content"));
        }
    }

    @Test
    void toolChoiceVariants() {
        for (int seed = 0; seed < 1; seed++) {
            Map<String, Object> required = ok(server.http.postJson("/v1/responses",
                    responses(",\"tool_choice\":\"required\",\"seed\":" + seed), USER), "Response");
            assertThat(output(required)).isNotEmpty().allSatisfy(i -> assertThat(i.get("type")).isEqualTo("function_call"));
            Map<String, Object> single = ok(server.http.postJson("/v1/responses",
                    responses(",\"tool_choice\":\"required\",\"parallel_tool_calls\":false,\"seed\":" + seed), USER), "Response");
            assertThat(output(single)).hasSize(1);
            assertThat(single.get("parallel_tool_calls")).isEqualTo(false);
            Map<String, Object> none = ok(server.http.postJson("/v1/responses",
                    responses(",\"tool_choice\":\"none\",\"max_output_tokens\":8,\"seed\":" + seed), USER), "Response");
            assertThat(output(none)).singleElement().satisfies(i -> assertThat(i.get("type")).isEqualTo("message"));
        }
    }

    @Test
    void aStreamedCallComesInOpenAisOrder() {
        Reply reply = server.http.postJson("/v1/responses",
                responses(",\"tool_choice\":{\"type\":\"function\",\"name\":\"get_order\"},\"stream\":true"), USER);
        assertThat(reply.status()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        List<Map<String, Object>> events = new ArrayList<>();
        for (String frame : reply.body().split("\n\n")) {
            String data = frame.substring(frame.indexOf("data: ") + "data: ".length());
            Map<String, Object> event = PlainJson.parseObject(data, "event");
            types.add((String) event.get("type"));
            events.add(event);
            valid(switch ((String) event.get("type")) {
                case "response.output_item.added", "response.output_item.done" -> "ResponseOutputItemEvent";
                case "response.function_call_arguments.delta" -> "ResponseFunctionCallArgumentsDeltaEvent";
                case "response.function_call_arguments.done" -> "ResponseFunctionCallArgumentsDoneEvent";
                default -> "ResponseLifecycleEvent";
            }, data);
        }
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(((Number) events.get(i).get("sequence_number")).intValue()).isEqualTo(i);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> done = (Map<String, Object>) events.get(5).get("item");
        assertThat(events.get(3).get("delta")).isEqualTo(done.get("arguments"));
        assertThat(events.get(4).get("arguments")).isEqualTo(done.get("arguments"));
        assertThat(events.get(4).get("item_id")).isEqualTo(done.get("id"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void chatCompletionsCallToolsAndTakeTheirResults() {
        for (String mount : MOUNTS) {
            String ask = "{\"model\":\"" + ToolsModel.ID + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Where is A12?\"}],"
                    + "\"tools\":" + CHAT_TOOLS + ",\"tool_choice\":\"required\",\"seed\":2,\"max_tokens\":120";
            Map<String, Object> completion = ok(server.http.postJson(mount + "/chat/completions", ask + "}", USER),
                    "CreateChatCompletionResponse");
            Map<String, Object> choice = ((List<Map<String, Object>>) completion.get("choices")).getFirst();
            assertThat(choice.get("finish_reason")).isEqualTo("tool_calls");
            Map<String, Object> message = (Map<String, Object>) choice.get("message");
            assertThat(message.get("content")).isNull();
            Map<String, Object> call = ((List<Map<String, Object>>) message.get("tool_calls")).getFirst();
            assertThat((String) call.get("id")).matches("call_[0-9a-f]{32}");
            Map<String, Object> function = (Map<String, Object>) call.get("function");
            assertThat(function.get("name")).isEqualTo("get_order");
            assertThat(PlainJson.parseObject((String) function.get("arguments"), "arguments")).containsKey("order_id");

            String followUp = "{\"model\":\"" + ToolsModel.ID + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Where is A12?\"},"
                    + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + "{\"id\":\"" + call.get("id") + "\",\"type\":\"function\",\"function\":{\"name\":\"get_order\",\"arguments\":" + quote((String) function.get("arguments")) + "}}" + "]},"
                    + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.get("id") + "\",\"content\":\"shipped\"}],"
                    + "\"tools\":" + CHAT_TOOLS + ",\"tool_choice\":\"none\",\"seed\":2,\"max_tokens\":6}";
            Map<String, Object> answer = ok(server.http.postJson(mount + "/chat/completions", followUp, USER),
                    "CreateChatCompletionResponse");
            Map<String, Object> answerChoice = ((List<Map<String, Object>>) answer.get("choices")).getFirst();
            assertThat(((Map<String, Object>) answerChoice.get("message")).get("content")).isInstanceOf(String.class);
            assertThat(answerChoice.get("finish_reason")).isIn("stop", "length");

            if (!mount.equals("/v1")) {
                continue;
            }
            Reply streamed = server.http.postJson(mount + "/chat/completions", ask + ",\"stream\":true}", USER);
            List<String> chunks = List.of(streamed.body().split("\n\n"));
            assertThat(chunks.getLast()).isEqualTo("data: [DONE]");
            List<Map<String, Object>> deltas = new ArrayList<>();
            String finish = null;
            for (String chunk : chunks.subList(0, chunks.size() - 1)) {
                Map<String, Object> parsed = PlainJson.parseObject(valid("CreateChatCompletionStreamResponse",
                        chunk.substring("data: ".length())), "chunk");
                Map<String, Object> c = ((List<Map<String, Object>>) parsed.get("choices")).getFirst();
                Map<String, Object> delta = (Map<String, Object>) c.get("delta");
                if (delta.containsKey("tool_calls")) deltas.addAll((List<Map<String, Object>>) delta.get("tool_calls"));
                if (c.get("finish_reason") != null) finish = (String) c.get("finish_reason");
            }
            assertThat(finish).isEqualTo("tool_calls");
            assertThat(deltas).isNotEmpty();
            assertThat(deltas.getFirst().get("index")).isEqualTo(0);
            assertThat(((Map<String, Object>) deltas.getFirst().get("function")).get("name")).isEqualTo("get_order");
        }
    }
}
