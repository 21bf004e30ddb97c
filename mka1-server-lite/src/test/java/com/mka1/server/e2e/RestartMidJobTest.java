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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shuts the server down while a job trains and starts a new one on the same data directory:
 * the job resumes from its saved step and succeeds, no step is reported twice, nothing is lost.
 */
class RestartMidJobTest {
    private static final String[] ADMIN = TestServer.bearer(TestServer.ADMIN_KEY);
    private static final int STEPS = 30;

    @Test
    void aJobInterruptedByShutdownFinishesAfterRestart(@TempDir Path dataDir) throws InterruptedException {
        ScriptedTrainer trainer = new ScriptedTrainer(STEPS, 30, 10);
        String fileId;
        String jobId;
        try (TestServer first = TestServer.start(dataDir, trainer)) {
            Multipart form = new Multipart().field("purpose", "fine-tune").file("file", "t.jsonl", TrainingData.chatJsonl(10));
            fileId = (String) PlainJson.parseObject(first.http.post("/v1/files", form.contentType(), form.body(), ADMIN).body(),
                    "file").get("id");
            jobId = (String) PlainJson.parseObject(first.http.postJson("/v1/fine_tuning/jobs",
                    "{\"model\":\"test:base\",\"training_file\":\"" + fileId + "\",\"suffix\":\"restart\"}", ADMIN).body(),
                    "job").get("id");
            awaitStep(first, jobId, 5);
        }
        try (TestServer second = TestServer.start(dataDir, trainer)) {
            assertThat(second.http.get("/health").status()).isEqualTo(200);
            Map<String, Object> job = awaitTerminal(second, jobId);
            assertThat(job).containsEntry("status", "succeeded").containsEntry("fine_tuned_model", "ft:test:base:restart");

            List<Object> events = allEvents(second, jobId);
            List<Object> steps = new ArrayList<>();
            List<Object> messages = new ArrayList<>();
            for (Object event : events) {
                Map<?, ?> e = (Map<?, ?>) event;
                messages.add(e.get("message"));
                if ("metrics".equals(e.get("type"))) {
                    steps.add(((Map<?, ?>) e.get("data")).get("step"));
                }
            }
            assertThat(steps).doesNotHaveDuplicates().hasSize(STEPS);
            assertThat(messages).containsOnlyOnce("Job resumed after restart");
            Reply content = second.http.get("/v1/files/" + fileId + "/content", ADMIN);
            assertThat(content.body()).isEqualTo(TrainingData.chatJsonl(10));
        }
    }

    private static List<Object> allEvents(TestServer server, String jobId) {
        List<Object> all = new ArrayList<>();
        String after = null;
        while (true) {
            Map<String, Object> page = PlainJson.parseObject(server.http.get("/v1/fine_tuning/jobs/" + jobId
                    + "/events?limit=100" + (after == null ? "" : "&after=" + after), ADMIN).body(), "events");
            all.addAll((List<?>) page.get("data"));
            if (!Boolean.TRUE.equals(page.get("has_more"))) {
                return all;
            }
            after = (String) page.get("last_id");
        }
    }

    private static void awaitStep(TestServer server, String jobId, int step) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String body = server.http.get("/v1/fine_tuning/jobs/" + jobId + "/events?limit=1", ADMIN).body();
            if (body.contains("\"step\":" + step) || body.contains("\"step\":" + (step + 1))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job never reached step " + step);
    }

    private static Map<String, Object> awaitTerminal(TestServer server, String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> job = Map.of();
        while (System.nanoTime() < deadline) {
            job = PlainJson.parseObject(server.http.get("/v1/fine_tuning/jobs/" + jobId, ADMIN).body(), "job");
            if (List.of("succeeded", "failed", "cancelled").contains(job.get("status"))) {
                return job;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job never ended: " + job);
    }
}
