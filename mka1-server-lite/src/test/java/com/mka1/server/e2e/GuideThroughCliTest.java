package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.server.cli.PlainJson;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TestServer.CliRun;
import com.mka1.server.testing.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tuning guide's steps, run through the mka1 CLI against a real server on loopback. */
class GuideThroughCliTest {
    private static final String AS_USER = "X-On-Behalf-Of: user-1";
    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir.resolve("data"), new ScriptedTrainer(40, 25, 10));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, Object> ok(CliRun run) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        return PlainJson.parseObject(run.out(), "CLI output");
    }

    private static String upload() throws Exception {
        Path train = TrainingData.writeChatFile(dir, "fine-tuning-train.jsonl", 12);
        Map<String, Object> file = ok(server.cli("llm", "files", "upload", "--file", train.toString(),
                "--purpose", "fine-tune", "-H", AS_USER));
        assertThat((String) file.get("id")).matches("file_[0-9a-f]{32}");
        assertThat(file).containsEntry("object", "file").containsEntry("bytes", (int) Files.size(train))
                .containsEntry("filename", "fine-tuning-train.jsonl").containsEntry("purpose", "fine-tune");
        return (String) file.get("id");
    }

    private static String create(String fileId, String suffix) {
        Map<String, Object> job = ok(server.cli("llm", "fine-tuning", "create", "-H", AS_USER, "--body",
                "{\"model\": \"test:base\", \"training_file\": \"" + fileId + "\", \"suffix\": \"" + suffix
                        + "\", \"seed\": 42, \"metadata\": {\"experiment\": \"guide\"}}"));
        assertThat((String) job.get("id")).matches("ftjob_[0-9a-f]{32}");
        assertThat(job).containsEntry("object", "fine_tuning.job").containsEntry("model", "test:base")
                .containsEntry("training_file", fileId).containsEntry("seed", 42)
                .containsEntry("user_provided_suffix", suffix).containsEntry("metadata", Map.of("experiment", "guide"));
        assertThat(job.get("status")).isIn("validating_files", "queued", "running");
        return (String) job.get("id");
    }

    @Test
    void uploadCreateWatchEventsAndCheckpoints() throws Exception {
        String fileId = upload();
        String jobId = create(fileId, "support-bot");

        Map<String, Object> retrieved = ok(server.cli("llm", "fine-tuning", "retrieve", "--fine-tuning-job-id", jobId,
                "-H", AS_USER));
        assertThat(retrieved).containsEntry("id", jobId).containsEntry("training_file", fileId);

        CliRun watch = server.cli("llm", "fine-tuning", "watch", "--fine-tuning-job-id", jobId, "--interval", "0.1",
                "-H", AS_USER);
        assertThat(watch.exitCode()).as(watch.err()).isZero();
        List<String> lines = watch.out().lines().toList();
        assertThat(lines).anySatisfy(line -> assertThat(line).matches(
                "\\[[#.]{30}\\] +\\d+%  step \\d+/40  loss \\d+\\.\\d{4}.*  running"));
        assertThat(lines).anySatisfy(line -> assertThat(line).isEqualTo(
                "[##############################] 100%  step 40/40  loss 0.0500  succeeded"));
        String finalJson = watch.out().substring(watch.out().indexOf("{"));
        Map<String, Object> finished = PlainJson.parseObject(finalJson, "final job");
        assertThat(finished).containsEntry("status", "succeeded")
                .containsEntry("fine_tuned_model", "ft:test:base:support-bot")
                .containsEntry("trained_tokens", 40 * (int) ScriptedTrainer.TOKENS_PER_STEP);

        Map<String, Object> events = ok(server.cli("llm", "fine-tuning", "list-events", "--fine-tuning-job-id", jobId,
                "--limit", "20", "-H", AS_USER));
        assertThat(events).containsEntry("object", "list").containsEntry("has_more", true);
        List<Object> data = list(events.get("data"));
        assertThat(data).hasSize(20);
        Map<?, ?> newest = (Map<?, ?>) data.getFirst();
        assertThat(newest.get("object")).isEqualTo("fine_tuning.job.event");
        assertThat(newest.get("message")).isEqualTo("The job has successfully completed");
        assertThat(events.get("first_id")).isEqualTo(newest.get("id"));

        Map<String, Object> checkpoints = ok(server.cli("llm", "fine-tuning", "list-checkpoints",
                "--fine-tuning-job-id", jobId, "--limit", "10", "-H", AS_USER));
        List<Object> ckpts = list(checkpoints.get("data"));
        assertThat(ckpts).extracting(c -> field(c, "step_number")).containsExactly(30, 20, 10);
        Map<?, ?> latest = (Map<?, ?>) ckpts.getFirst();
        assertThat(latest.get("fine_tuning_job_id")).isEqualTo(jobId);
        assertThat(((Map<?, ?>) latest.get("metrics")).get("train_loss")).isEqualTo(ScriptedTrainer.lossAt(30));
    }

    @Test
    void pauseResumeAndCancelThroughTheCli() throws Exception {
        String jobId = create(upload(), "pausing-bot");
        awaitStatus(jobId, "running");
        Map<String, Object> pausing = ok(server.cli("llm", "fine-tuning", "pause", "--fine-tuning-job-id", jobId,
                "-H", AS_USER));
        assertThat(pausing.get("status")).isIn("pausing", "paused");
        awaitStatus(jobId, "paused");

        CliRun again = server.cli("llm", "fine-tuning", "pause", "--fine-tuning-job-id", jobId, "-H", AS_USER);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).startsWith("mka1 llm fine-tuning pause: HTTP 409 invalid_request_error: Cannot pause job "
                + jobId + ": its status is paused.");

        Map<String, Object> resumed = ok(server.cli("llm", "fine-tuning", "resume", "--fine-tuning-job-id", jobId,
                "-H", AS_USER));
        assertThat(resumed.get("status")).isIn("queued", "running");
        Map<String, Object> cancelled = ok(server.cli("llm", "fine-tuning", "cancel", "--fine-tuning-job-id", jobId,
                "-H", AS_USER));
        assertThat(cancelled.get("status")).isEqualTo("cancelled");

        Map<String, Object> events = ok(server.cli("llm", "fine-tuning", "list-events", "--fine-tuning-job-id", jobId,
                "--limit", "100", "-H", AS_USER));
        assertThat(list(events.get("data"))).extracting(e -> field(e, "message"))
                .contains("Job cancelled", "Job resumed").anySatisfy(m -> assertThat((String) m).startsWith("Job paused"));
    }

    @Test
    void whoamiAndListWithMetadataFilter() throws Exception {
        Map<String, Object> me = ok(server.cli("whoami", "-H", AS_USER));
        assertThat(me).containsEntry("object", "whoami").containsEntry("role", "admin")
                .containsEntry("on_behalf_of", "user-1").containsEntry("fine_tuning_allowed", true);
        Map<String, Object> asUser = ok(server.cli(Map.of("MKA1_API_KEY", TestServer.USER_KEY), "whoami"));
        assertThat(asUser).containsEntry("role", "user").containsEntry("on_behalf_of", null)
                .containsEntry("fine_tuning_allowed", false);

        String jobId = create(upload(), "listed-bot");
        Map<String, Object> listed = ok(server.cli("llm", "fine-tuning", "list", "--metadata", "experiment=guide",
                "--limit", "100", "-H", AS_USER));
        assertThat(list(listed.get("data"))).extracting(j -> field(j, "id")).contains(jobId);
        Map<String, Object> none = ok(server.cli("llm", "fine-tuning", "list", "--metadata", "experiment=other",
                "-H", AS_USER));
        assertThat(list(none.get("data"))).isEmpty();
        assertThat(none).containsEntry("first_id", null).containsEntry("last_id", null);
    }

    @Test
    void cliErrorsGoToStderrWithTheEnvelopeAndNonZeroExit() {
        CliRun missing = server.cli("llm", "fine-tuning", "retrieve", "--fine-tuning-job-id", "ftjob_nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("""
                mka1 llm fine-tuning retrieve: HTTP 404 invalid_request_error: No such fine-tuning job: ftjob_nope
                {
                  "error" : {
                    "message" : "No such fine-tuning job: ftjob_nope",
                    "type" : "invalid_request_error",
                    "param" : "fine_tuning_job_id",
                    "code" : "job_not_found"
                  }
                }
                """);
        CliRun forbidden = server.cli(Map.of("MKA1_API_KEY", TestServer.USER_KEY), "llm", "fine-tuning", "list");
        assertThat(forbidden.exitCode()).isEqualTo(1);
        assertThat(forbidden.err()).startsWith("mka1 llm fine-tuning list: HTTP 403 permission_error: "
                + "This endpoint needs an API key with the admin role");
        CliRun usage = server.cli("llm", "files", "upload", "--purpose", "fine-tune", "--bogus", "x");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).isEqualTo("mka1 llm files upload: unknown flag --bogus\n"
                + "Run 'mka1 llm files upload --help' for its flags.\n");
    }

    private static Object field(Object object, String name) {
        return ((Map<?, ?>) object).get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    private static void awaitStatus(String jobId, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            status = (String) ok(server.cli("llm", "fine-tuning", "retrieve", "--fine-tuning-job-id", jobId,
                    "-H", AS_USER)).get("status");
            if (status.equals(wanted)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + jobId + " never reached " + wanted + " (last: " + status + ")");
    }
}
