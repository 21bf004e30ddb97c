package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.server.cli.PlainJson;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.Multipart;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TrainingData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spec's "Who sees what" over HTTP, for every kind of object: a call without X-On-Behalf-Of
 * sees everything; a call for an end user sees that user's objects and the shared ones, and
 * another end user's object answers 404 as if absent (400 file_not_found where a request names it).
 */
class VisibilityOverHttpTest {
    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, new ScriptedTrainer(4, 5, 2));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] as(String endUser) {
        return endUser == null ? TestServer.bearer(TestServer.ADMIN_KEY)
                : TestServer.bearer(TestServer.ADMIN_KEY, "X-On-Behalf-Of", endUser);
    }

    private static Map<String, Object> ok(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return PlainJson.parseObject(reply.body(), "reply");
    }

    private static String upload(String endUser, String name) {
        Multipart form = new Multipart().field("purpose", "fine-tune").file("file", name, TrainingData.chatJsonl(10));
        return (String) ok(server.http.post("/v1/files", form.contentType(), form.body(), as(endUser))).get("id");
    }

    private static String createJob(String endUser, String body) {
        return (String) ok(server.http.postJson("/v1/fine_tuning/jobs", body, as(endUser))).get("id");
    }

    private static String errorCode(Reply reply) {
        return (String) ((Map<?, ?>) PlainJson.parseObject(reply.body(), "error").get("error")).get("code");
    }

    private static List<Object> ids(Reply reply) {
        return ((List<?>) ok(reply).get("data")).stream().map(o -> ((Map<?, ?>) o).get("id")).map(Object.class::cast).toList();
    }

    @Test
    void endUsersSeeTheirOwnAndSharedObjectsTheKeyHolderSeesAllNeverAnotherEndUsers() throws InterruptedException {
        // the guide's flow: training file for an end user, validation file and job without the header
        String aliceFile = upload("alice", "alice.jsonl");
        String sharedFile = upload(null, "shared.jsonl");
        String bobFile = upload("bob", "bob.jsonl");
        String sharedJob = createJob(null, "{\"model\":\"test:base\",\"training_file\":\"" + aliceFile
                + "\",\"validation_file\":\"" + sharedFile + "\",\"suffix\":\"shared-bot\"}");
        String aliceJob = createJob("alice", "{\"model\":\"test:base\",\"training_file\":\"" + aliceFile
                + "\",\"validation_file\":\"" + sharedFile + "\",\"suffix\":\"alice-bot\"}");
        awaitSucceeded(sharedJob);
        awaitSucceeded(aliceJob);
        String aliceModel = "ft:test:base:alice-bot";
        Map<String, Object> response = ok(server.http.postJson("/v1/responses",
                "{\"model\":\"mka1:tiny\",\"input\":\"Hi\",\"max_output_tokens\":2}", as("alice")));
        String aliceResponse = (String) response.get("id");

        // files and their content
        assertThat(ids(server.http.get("/v1/files?purpose=fine-tune", as("bob")))).containsExactly(bobFile, sharedFile);
        assertThat(ids(server.http.get("/v1/files?purpose=fine-tune", as("alice")))).containsExactly(sharedFile, aliceFile);
        assertThat(ids(server.http.get("/v1/files?purpose=fine-tune", as(null)))).contains(bobFile, sharedFile, aliceFile);
        assertThat(server.http.get("/v1/files/" + aliceFile, as("bob")).status()).isEqualTo(404);
        assertThat(server.http.get("/v1/files/" + aliceFile + "/content", as("bob")).status()).isEqualTo(404);
        assertThat(server.http.delete("/v1/files/" + aliceFile, as("bob")).status()).isEqualTo(404);
        assertThat(server.http.get("/v1/files/" + aliceFile + "/content", as(null)).body()).isEqualTo(TrainingData.chatJsonl(10));
        assertThat(server.http.get("/v1/files/" + sharedFile + "/content", as("bob")).body()).isEqualTo(TrainingData.chatJsonl(10));

        // jobs, events, checkpoints; a create naming another end user's file
        Reply bobCreate = server.http.postJson("/v1/fine_tuning/jobs",
                "{\"model\":\"test:base\",\"training_file\":\"" + aliceFile + "\"}", as("bob"));
        assertThat(bobCreate.status()).isEqualTo(400);
        assertThat(errorCode(bobCreate)).isEqualTo("file_not_found");
        assertThat(ids(server.http.get("/v1/fine_tuning/jobs?limit=100", as("bob")))).containsExactly(sharedJob);
        assertThat(ids(server.http.get("/v1/fine_tuning/jobs?limit=100", as("alice")))).containsExactly(aliceJob, sharedJob);
        assertThat(ids(server.http.get("/v1/fine_tuning/jobs?limit=100", as(null)))).containsExactly(aliceJob, sharedJob);
        for (String path : List.of("", "/events", "/checkpoints")) {
            assertThat(server.http.get("/v1/fine_tuning/jobs/" + aliceJob + path, as("bob")).status()).as(path).isEqualTo(404);
            assertThat(server.http.get("/v1/fine_tuning/jobs/" + aliceJob + path, as(null)).status()).as(path).isEqualTo(200);
            assertThat(server.http.get("/v1/fine_tuning/jobs/" + sharedJob + path, as("bob")).status()).as(path).isEqualTo(200);
        }
        assertThat(ids(server.http.get("/v1/fine_tuning/jobs/" + aliceJob + "/checkpoints", as("alice")))).hasSize(1);
        assertThat(server.http.postJson("/v1/fine_tuning/jobs/" + aliceJob + "/cancel", "", as("bob")).status()).isEqualTo(404);

        // fine-tuned models follow their job; base models are everyone's
        assertThat(ids(server.http.get("/v1/models", as("bob"))))
                .contains("test:base", "mka1:tiny", "ft:test:base:shared-bot").doesNotContain(aliceModel)
                .noneMatch(id -> ((String) id).startsWith(aliceModel));
        assertThat(ids(server.http.get("/v1/models", as("alice")))).contains(aliceModel, "ft:test:base:shared-bot");
        assertThat(ids(server.http.get("/v1/models", as(null)))).contains(aliceModel);
        assertThat(server.http.get("/v1/models/" + aliceModel, as("bob")).status()).isEqualTo(404);
        assertThat(server.http.get("/v1/models/" + aliceModel + ":ckpt-step-2", as("bob")).status()).isEqualTo(404);
        Reply bobDelete = server.http.delete("/v1/models/" + aliceModel, as("bob"));
        assertThat(bobDelete.status()).isEqualTo(404);
        assertThat(errorCode(bobDelete)).isEqualTo("model_not_found");
        Reply bobExports = server.http.postJson("/v1/models/" + aliceModel + "/export", "{}", as("bob"));
        assertThat(bobExports.status()).isEqualTo(404);
        assertThat(errorCode(bobExports)).isEqualTo("model_not_found");
        Reply bobGenerates = server.http.postJson("/v1/responses", "{\"model\":\"" + aliceModel + "\",\"input\":\"Hi\"}",
                as("bob"));
        assertThat(bobGenerates.status()).isEqualTo(404);
        assertThat(errorCode(bobGenerates)).isEqualTo("model_not_found");
        Reply bobBuildsOnIt = server.http.postJson("/v1/fine_tuning/jobs",
                "{\"model\":\"" + aliceModel + "\",\"training_file\":\"" + bobFile + "\"}", as("bob"));
        assertThat(bobBuildsOnIt.status()).isEqualTo(400);
        assertThat(errorCode(bobBuildsOnIt)).isEqualTo("model_not_found");
        assertThat(ok(server.http.get("/v1/models/" + aliceModel, as("alice")))).containsEntry("id", aliceModel);
        assertThat(ok(server.http.get("/v1/models/" + aliceModel, as(null)))).containsEntry("id", aliceModel);

        // stored responses
        assertThat(server.http.get("/v1/responses/" + aliceResponse, as("bob")).status()).isEqualTo(404);
        assertThat(ok(server.http.get("/v1/responses/" + aliceResponse, as(null)))).containsEntry("id", aliceResponse);
        assertThat(ok(server.http.get("/v1/responses/" + aliceResponse, as("alice")))).containsEntry("id", aliceResponse);
    }

    private static void awaitSucceeded(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            status = (String) ok(server.http.get("/v1/fine_tuning/jobs/" + jobId, as(null))).get("status");
            if (status.equals("succeeded")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(jobId + " never succeeded (last: " + status + ")");
    }
}
