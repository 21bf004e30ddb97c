package com.mka1.server.e2e;

import static com.mka1.server.testing.HttpTestClient.envelope;
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

/** /fine_tuning/jobs over HTTP: success and error answers with exact status and envelope. */
class FineTuningApiTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static String trainingFile;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, new ScriptedTrainer(4, 5, 2));
        trainingFile = uploadAs(null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] admin(String... more) {
        return TestServer.bearer(TestServer.ADMIN_KEY, more);
    }

    private static String uploadAs(String endUser) {
        Multipart form = new Multipart().field("purpose", "fine-tune").file("file", "t.jsonl", TrainingData.chatJsonl(10));
        Reply reply = server.http.post("/v1/files", form.contentType(), form.body(),
                endUser == null ? admin() : admin("X-On-Behalf-Of", endUser));
        assertThat(reply.status()).isEqualTo(200);
        return (String) PlainJson.parseObject(reply.body(), "file").get("id");
    }

    private static Map<String, Object> createJob(String body, String... headers) {
        Reply reply = server.http.postJson("/v1/fine_tuning/jobs", body, admin(headers));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return PlainJson.parseObject(reply.body(), "job");
    }

    @Test
    void createsAJobWithEveryFieldOfTheSpec() {
        Map<String, Object> job = createJob("{\"model\":\"test:base\",\"training_file\":\"" + trainingFile
                + "\",\"suffix\":\"bot\",\"seed\":7,\"method\":{\"type\":\"supervised\",\"supervised\":"
                + "{\"hyperparameters\":{\"n_epochs\":2}}},\"integrations\":[]}");
        assertThat(job.keySet()).containsExactly("object", "id", "model", "created_at", "finished_at",
                "fine_tuned_model", "organization_id", "result_files", "status", "validation_file", "training_file",
                "hyperparameters", "method", "trained_tokens", "error", "integrations", "seed", "estimated_finish",
                "metadata", "user_provided_suffix", "user");
        assertThat(job).containsEntry("object", "fine_tuning.job").containsEntry("model", "test:base")
                .containsEntry("seed", 7).containsEntry("user_provided_suffix", "bot")
                .containsEntry("training_file", trainingFile).containsEntry("validation_file", null);
        assertThat(((Map<?, ?>) job.get("method")).get("type")).isEqualTo("supervised");
    }

    @Test
    void requestErrorsAreExact() {
        Reply malformed = server.http.postJson("/v1/fine_tuning/jobs", "{\"model\":", admin());
        assertThat(malformed.status()).isEqualTo(400);
        Map<?, ?> error = (Map<?, ?>) PlainJson.parseObject(malformed.body(), "error").get("error");
        assertThat(error.get("type")).isEqualTo("invalid_request_error");
        assertThat(error.get("code")).isEqualTo("invalid_json");
        assertThat((String) error.get("message")).startsWith("We could not parse the JSON body of your request: ");

        Reply unknownModel = server.http.postJson("/v1/fine_tuning/jobs",
                "{\"model\":\"nobody:nothing\",\"training_file\":\"" + trainingFile + "\"}", admin());
        assertThat(unknownModel.status()).isEqualTo(400);
        assertThat(unknownModel.body()).isEqualTo(envelope("Model 'nobody:nothing' not found.",
                "invalid_request_error", "model", "model_not_found"));

        Reply unknownFile = server.http.postJson("/v1/fine_tuning/jobs",
                "{\"model\":\"test:base\",\"training_file\":\"file_00000000000000000000000000000000\"}", admin());
        assertThat(unknownFile.status()).isEqualTo(400);
        assertThat(unknownFile.body()).isEqualTo(envelope(
                "File 'file_00000000000000000000000000000000' not found (training_file).", "invalid_request_error",
                "training_file", "file_not_found"));

        Reply wrongType = server.http.postJson("/v1/fine_tuning/jobs",
                "{\"model\":\"test:base\",\"training_file\":\"" + trainingFile + "\",\"seed\":\"seven\"}", admin());
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(PlainJson.parseObject(wrongType.body(), "error").get("error")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("param", "seed");

        Reply textPlain = server.http.post("/v1/fine_tuning/jobs", "text/plain", "{}".getBytes(), admin());
        assertThat(textPlain.status()).isEqualTo(415);

        Reply unknownJob = server.http.get("/v1/fine_tuning/jobs/ftjob_missing", admin());
        assertThat(unknownJob.status()).isEqualTo(404);
        assertThat(unknownJob.body()).isEqualTo(envelope("No such fine-tuning job: ftjob_missing",
                "invalid_request_error", "fine_tuning_job_id", "job_not_found"));

        Reply wrongMethod = server.http.delete("/v1/fine_tuning/jobs/ftjob_missing", admin());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET");

        Reply badFilter = server.http.get("/v1/fine_tuning/jobs?metadata=yes", admin());
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.body()).isEqualTo(envelope("Invalid 'metadata': use metadata[KEY]=VALUE to filter, or "
                + "metadata=null for jobs without metadata", "invalid_request_error", "metadata", "invalid_value"));
        Reply bothFilters = server.http.get("/v1/fine_tuning/jobs?metadata=null&metadata%5Bk%5D=v", admin());
        assertThat(bothFilters.status()).isEqualTo(400);
        assertThat(bothFilters.body()).isEqualTo(envelope("metadata=null cannot be combined with metadata[KEY] filters",
                "invalid_request_error", "metadata", "invalid_value"));
    }

    @Test
    void userKeysGet403OnEveryFineTuningRoute() {
        String[] user = TestServer.bearer(TestServer.USER_KEY);
        String forbidden = envelope("This endpoint needs an API key with the admin role", "permission_error", null,
                "insufficient_permissions");
        for (Reply reply : List.of(server.http.get("/v1/fine_tuning/jobs", user),
                server.http.postJson("/v1/fine_tuning/jobs", "{}", user),
                server.http.get("/v1/fine_tuning/jobs/ftjob_x", user),
                server.http.postJson("/v1/fine_tuning/jobs/ftjob_x/cancel", "", user),
                server.http.get("/api/v1/llm/fine_tuning/jobs/ftjob_x/events", user))) {
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.body()).isEqualTo(forbidden);
        }
    }

    @Test
    void terminalJobsRefuseActionsWith409() throws InterruptedException {
        String id = (String) createJob("{\"model\":\"test:base\",\"training_file\":\"" + trainingFile + "\"}").get("id");
        awaitStatus(id, "succeeded");
        for (String action : List.of("pause", "resume", "cancel")) {
            Reply reply = server.http.postJson("/v1/fine_tuning/jobs/" + id + "/" + action, "", admin());
            assertThat(reply.status()).isEqualTo(409);
            assertThat(reply.body()).isEqualTo(envelope("Cannot " + action + " job " + id + ": its status is succeeded.",
                    "invalid_request_error", null, "invalid_job_state"));
        }
        Reply checkpoints = server.http.get("/v1/fine_tuning/jobs/" + id + "/checkpoints?limit=1", admin());
        Map<String, Object> page = PlainJson.parseObject(checkpoints.body(), "page");
        assertThat(page).containsEntry("object", "list").containsEntry("has_more", false);
        Map<?, ?> checkpoint = (Map<?, ?>) ((List<?>) page.get("data")).getFirst();
        assertThat(checkpoint.get("object")).isEqualTo("fine_tuning.job.checkpoint");
        assertThat(checkpoint.get("step_number")).isEqualTo(2);
        Reply events = server.http.get("/v1/fine_tuning/jobs/" + id + "/events?limit=2", admin());
        Map<String, Object> eventPage = PlainJson.parseObject(events.body(), "page");
        assertThat((List<?>) eventPage.get("data")).hasSize(2);
        Reply next = server.http.get("/v1/fine_tuning/jobs/" + id + "/events?limit=100&after=" + eventPage.get("last_id"),
                admin());
        assertThat(next.body()).doesNotContain((String) eventPage.get("first_id"));
        Reply badLimit = server.http.get("/v1/fine_tuning/jobs/" + id + "/events?limit=101", admin());
        assertThat(badLimit.status()).isEqualTo(400);
    }

    private static void awaitStatus(String id, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            status = (String) PlainJson.parseObject(server.http.get("/v1/fine_tuning/jobs/" + id, admin()).body(), "job")
                    .get("status");
            if (wanted.equals(status)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(id + " never reached " + wanted + " (last " + status + ")");
    }
}
