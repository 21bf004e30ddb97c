package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.server.cli.PlainJson;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structured outputs over HTTP on both mounts: Responses text.format, chat response_format, refusals as 400s. */
class StructuredOutputsApiTest {
    private static final String[] USER = {"Authorization", "Bearer " + TestServer.USER_KEY};
    private static final String[] MOUNTS = {"/v1", "/api/v1/llm"};
    private static final String SCHEMA = """
            {"type":"object","properties":{"city":{"type":"string","maxLength":8},"population":{"type":"integer"},\
            "tags":{"type":"array","items":{"enum":["big","old"]},"maxItems":2},\
            "mayor":{"type":"object","properties":{"name":{"type":"string","maxLength":6},"since":{"type":["integer","null"]}},\
            "required":["name","since"],"additionalProperties":false}},\
            "required":["city","population","tags","mayor"],"additionalProperties":false}""";
    private static final String FORMAT = "{\"type\":\"json_schema\",\"name\":\"city\",\"schema\":" + SCHEMA + ",\"strict\":true}";
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

    /** The city schema, checked field by field on the parsed answer. */
    private static void assertCity(String text) {
        Map<String, Object> doc = PlainJson.parseObject(text, "answer");
        assertThat(doc.keySet()).as(text).containsExactly("city", "population", "tags", "mayor");
        assertThat(codePoints(doc.get("city"))).as(text).isLessThanOrEqualTo(8); // JSON Schema counts code points
        assertThat(new BigDecimal(doc.get("population").toString()).stripTrailingZeros().scale()).as(text).isLessThanOrEqualTo(0);
        assertThat((List<?>) doc.get("tags")).as(text).hasSizeLessThanOrEqualTo(2).allMatch(t -> t.equals("big") || t.equals("old"));
        @SuppressWarnings("unchecked")
        Map<String, Object> mayor = (Map<String, Object>) doc.get("mayor");
        assertThat(mayor.keySet()).as(text).containsExactly("name", "since");
        assertThat(codePoints(mayor.get("name"))).as(text).isLessThanOrEqualTo(6);
        assertThat(mayor.get("since") == null || mayor.get("since") instanceof Number).as(text).isTrue();
    }

    private static int codePoints(Object string) {
        return ((String) string).codePointCount(0, ((String) string).length());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(Reply reply) {
        return (Map<String, Object>) PlainJson.parseObject(reply.body(), "error").get("error");
    }

    @Test
    void responsesFollowTheSchemaAndEchoTheFormatOnBothMounts() {
        for (String mount : MOUNTS) {
            for (int seed = 1; seed <= 3; seed++) {
                Reply r = server.http.postJson(mount + "/responses", "{\"model\":\"mka1:tiny\",\"input\":\"A city, please.\","
                        + "\"temperature\":1,\"seed\":" + seed + ",\"max_output_tokens\":150,\"text\":{\"format\":" + FORMAT + "}}", USER);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                Map<String, Object> response = PlainJson.parseObject(r.body(), "response");
                assertThat(response.get("status")).isEqualTo("completed");
                assertThat(response.get("text")).isEqualTo(PlainJson.parseObject("{\"format\":" + FORMAT + "}", "text"));
                Map<?, ?> message = (Map<?, ?>) ((List<?>) response.get("output")).getFirst();
                assertCity((String) ((Map<?, ?>) ((List<?>) message.get("content")).getFirst()).get("text"));
            }
        }
    }

    @Test
    void aStreamedResponseIsAWholeDocumentToo() {
        Reply stream = server.http.postJson("/v1/responses", "{\"model\":\"mka1:tiny\",\"input\":\"A city.\",\"temperature\":1,"
                + "\"seed\":9,\"max_output_tokens\":150,\"stream\":true,\"text\":{\"format\":" + FORMAT + "}}", USER);
        assertThat(stream.status()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String line : stream.body().split("\n")) {
            if (line.startsWith("data: ") && line.contains("\"type\":\"response.output_text.delta\"")) {
                text.append(PlainJson.parseObject(line.substring(6), "event").get("delta"));
            }
        }
        assertCity(text.toString());
    }

    @Test
    void chatCompletionsFollowResponseFormatOnBothMounts() {
        for (String mount : MOUNTS) {
            Reply schema = server.http.postJson(mount + "/chat/completions", "{\"model\":\"mka1:tiny\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"A city.\"}],\"seed\":4,\"max_tokens\":150,\"response_format\":{\"type\":\"json_schema\","
                    + "\"json_schema\":{\"name\":\"city\",\"schema\":" + SCHEMA + ",\"strict\":true}}}", USER);
            assertThat(schema.status()).as(schema.body()).isEqualTo(200);
            Map<?, ?> choice = (Map<?, ?>) ((List<?>) PlainJson.parseObject(schema.body(), "chat").get("choices")).getFirst();
            assertThat(choice.get("finish_reason")).isEqualTo("stop");
            assertCity((String) ((Map<?, ?>) choice.get("message")).get("content"));

            Reply object = server.http.postJson(mount + "/chat/completions", "{\"model\":\"mka1:tiny\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Anything.\"}],\"seed\":5,\"max_tokens\":100,\"response_format\":{\"type\":\"json_object\"}}", USER);
            assertThat(object.status()).as(object.body()).isEqualTo(200);
            Map<?, ?> objectChoice = (Map<?, ?>) ((List<?>) PlainJson.parseObject(object.body(), "chat").get("choices")).getFirst();
            String content = (String) ((Map<?, ?>) objectChoice.get("message")).get("content");
            assertThat(PlainJson.parseObject(content, "content")).as(content).isNotNull();
        }
    }

    @Test
    void anUnsupportedKeywordIsA400NamingItOnEveryEndpoint() {
        String bad = "{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":\"string\",\"pattern\":\"^[0-9]{5}$\"}}}";
        for (String mount : MOUNTS) {
            for (String stream : new String[] {"false", "true"}) {
                Reply r = server.http.postJson(mount + "/responses", "{\"model\":\"mka1:tiny\",\"input\":\"x\",\"stream\":" + stream
                        + ",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"zip\",\"schema\":" + bad + "}}}", USER);
                assertThat(r.status()).as(r.body()).isEqualTo(400);
                assertThat(error(r)).containsEntry("type", "invalid_request_error").containsEntry("param", "text.format.schema")
                        .containsEntry("code", "invalid_json_schema")
                        .containsEntry("message", "Invalid schema for response_format 'zip': unsupported keyword 'pattern' "
                                + "(at #/properties/zip).");
            }
            Reply chat = server.http.postJson(mount + "/chat/completions", "{\"model\":\"mka1:tiny\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"x\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"zip\",\"schema\":"
                    + bad + "}}}", USER);
            assertThat(chat.status()).as(chat.body()).isEqualTo(400);
            assertThat(error(chat)).containsEntry("param", "response_format.json_schema.schema")
                    .containsEntry("message", "Invalid schema for response_format 'zip': unsupported keyword 'pattern' "
                            + "(at #/properties/zip).");
        }
    }
}
