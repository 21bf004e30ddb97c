package com.mka1.server.e2e;

import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static com.mka1.server.testing.HttpTestClient.envelope;
import static org.assertj.core.api.Assertions.assertThat;

/** Stored responses are bounded like jobs: metadata limits, DELETE, and no empty input. */
class ResponsesLimitsTest {
    private static final String MODEL = "mka1:tiny";
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

    @Test
    void aStoredResponseCanBeDeletedByItsOwnerOnly() {
        Reply created = server.http.postJson("/v1/responses", "{\"model\":\"" + MODEL + "\",\"input\":\"Hello\","
                + "\"max_output_tokens\":2,\"temperature\":0}", as("alice"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"id\":\"(resp_[0-9a-f]+)\"").matcher(created.body());
        assertThat(m.find()).isTrue();
        String id = m.group(1);
        String notFound = envelope("No response found with id '" + id + "'.", "invalid_request_error", "response_id",
                "response_not_found");

        Reply bob = server.http.delete("/v1/responses/" + id, as("bob"));
        assertThat(bob.status()).isEqualTo(404);
        assertThat(bob.body()).isEqualTo(notFound);
        Reply deleted = server.http.delete("/v1/responses/" + id, as("alice"));
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{\"id\":\"" + id + "\",\"object\":\"response\",\"deleted\":true}");
        assertThat(server.http.get("/v1/responses/" + id, as("alice")).body()).isEqualTo(notFound);
        assertThat(server.http.delete("/v1/responses/" + id, as("alice")).status()).isEqualTo(404);
        assertThat(dir.resolve("responses/" + id + ".json")).doesNotExist();
    }

    @Test
    void metadataIsBoundedAndInputMayNotBeEmpty() {
        String pairs = IntStream.range(0, 17).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(","));
        Reply tooMany = server.http.postJson("/v1/responses", "{\"model\":\"" + MODEL + "\",\"input\":\"Hi\",\"metadata\":{"
                + pairs + "}}", as("alice"));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body()).contains("\"param\":\"metadata\"");
        Reply longValue = server.http.postJson("/v1/responses", "{\"model\":\"" + MODEL + "\",\"input\":\"Hi\",\"metadata\":{"
                + "\"k\":\"" + "v".repeat(513) + "\"}}", as("alice"));
        assertThat(longValue.body()).isEqualTo(envelope("Invalid 'metadata': the value of 'k' is longer than 512 characters.",
                "invalid_request_error", "metadata", "invalid_metadata"));
        Reply empty = server.http.postJson("/v1/responses", "{\"model\":\"" + MODEL + "\",\"input\":[]}", as("alice"));
        assertThat(empty.body()).isEqualTo(envelope("Invalid 'input': give a string or at least one message.",
                "invalid_request_error", "input", "invalid_value"));
    }
}
