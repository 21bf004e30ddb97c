package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.server.Mka1Server;
import com.mka1.server.cli.Cli;
import com.mka1.server.cli.CommandContext;
import com.mka1.server.cli.CommandRegistry;
import com.mka1.server.cli.Options;
import com.mka1.server.cli.PlainJson;
import com.mka1.server.cli.ServeCommand;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TrainingData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MKA1 fine-tuning guide's six steps, verbatim through the CLI against {@code mka1 serve}, on
 * both mounts: the training file is uploaded for an end user and the validation file without the
 * header; every later step (create, retrieve, events, checkpoints, pause/resume/cancel, responses)
 * runs without the header, as the guide does. Only the ids and file paths are this run's.
 */
class GuideVerbatimTest {
    private static final String ADMIN = "sk-guide-admin";
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    @ParameterizedTest(name = "server URL root{0}")
    @ValueSource(strings = {"", "/api/v1/llm"})
    void theGuidesSixStepsRunAsWritten(String mount) throws Exception {
        ServeCommand serve = new ServeCommand(() -> new ScriptedTrainer(40, 25, 10));
        try (Mka1Server server = serve.start(new CommandContext(Options.parse(List.of("--host", "127.0.0.1", "--port", "0",
                "--data-dir", dir.resolve("data").toString())), System.out, System.err,
                Map.of("MKA1_API_KEYS", ADMIN + ":admin")))) {
            Map<String, String> env = Map.of("MKA1_SERVER_URL", server.baseUri().toString().replaceAll("/$", "") + mount,
                    "MKA1_API_KEY", ADMIN);
            Path train = TrainingData.writeChatFile(dir, "fine-tuning-train.jsonl", 12);
            Path validation = TrainingData.writeChatFile(dir, "fine-tuning-validation.jsonl", 10);

            // 1. upload: the training file on behalf of an end user, the validation file shared
            String trainId = id(ok(cli(env, "llm", "files", "upload", "--file", train.toString(), "--purpose", "fine-tune",
                    "-H", "X-On-Behalf-Of: user-1")));
            Map<String, Object> validationFile = ok(cli(env, "llm", "files", "upload", "--file", validation.toString(),
                    "--purpose", "fine-tune"));
            assertThat(validationFile).containsEntry("filename", "fine-tuning-validation.jsonl")
                    .containsEntry("purpose", "fine-tune").containsEntry("object", "file");

            // 2. create the job (no header)
            Map<String, Object> job = ok(cli(env, "llm", "fine-tuning", "create", "--body", "{\"model\": \"mka1:tiny\", "
                    + "\"training_file\": \"" + trainId + "\", \"validation_file\": \"" + id(validationFile)
                    + "\", \"suffix\": \"support-bot\"}"));
            String jobId = id(job);
            assertThat(job).containsEntry("training_file", trainId).containsEntry("validation_file", id(validationFile))
                    .containsEntry("user_provided_suffix", "support-bot").containsEntry("user", null);

            // 3. retrieve
            assertThat(ok(cli(env, "llm", "fine-tuning", "retrieve", "--fine-tuning-job-id", jobId)))
                    .containsEntry("id", jobId).containsEntry("model", "mka1:tiny");

            // 5. pause and resume while it runs (then it finishes), cancel a second job
            awaitStatus(env, jobId, "running");
            assertThat(ok(cli(env, "llm", "fine-tuning", "pause", "--fine-tuning-job-id", jobId)).get("status"))
                    .isIn("pausing", "paused");
            awaitStatus(env, jobId, "paused");
            assertThat(ok(cli(env, "llm", "fine-tuning", "resume", "--fine-tuning-job-id", jobId)).get("status"))
                    .isIn("queued", "running");
            awaitStatus(env, jobId, "succeeded");
            String second = id(ok(cli(env, "llm", "fine-tuning", "create", "--body", "{\"model\": \"mka1:tiny\", "
                    + "\"training_file\": \"" + trainId + "\", \"suffix\": \"cancelled-bot\"}")));
            assertThat(ok(cli(env, "llm", "fine-tuning", "cancel", "--fine-tuning-job-id", second)))
                    .containsEntry("status", "cancelled");

            // 4. events and checkpoints
            Map<String, Object> events = ok(cli(env, "llm", "fine-tuning", "list-events", "--fine-tuning-job-id", jobId,
                    "--limit", "20"));
            assertThat(list(events)).hasSize(20);
            assertThat(((Map<?, ?>) list(events).getFirst()).get("message")).isEqualTo("The job has successfully completed");
            Map<String, Object> checkpoints = ok(cli(env, "llm", "fine-tuning", "list-checkpoints", "--fine-tuning-job-id",
                    jobId, "--limit", "10"));
            assertThat(list(checkpoints)).extracting(c -> (Object) ((Map<?, ?>) c).get("fine_tuned_model_checkpoint")).containsExactly(
                    "ft:mka1:tiny:support-bot:ckpt-step-30", "ft:mka1:tiny:support-bot:ckpt-step-20",
                    "ft:mka1:tiny:support-bot:ckpt-step-10");

            // 6. the fine-tuned model answers (the scripted trainer's model is a copy of the base: same greedy text)
            Map<String, Object> response = ok(cli(env, "llm", "responses", "create", "--model", "ft:mka1:tiny:support-bot",
                    "--input", "\"Write a support reply for a delayed shipment.\""));
            assertThat(response).containsEntry("object", "response").containsEntry("model", "ft:mka1:tiny:support-bot");
            assertThat(response.get("status")).isIn("completed", "incomplete");
            String fineTuned = outputText(ok(cli(env, "llm", "responses", "create", "--model", "ft:mka1:tiny:support-bot",
                    "--input", "Write a support reply for a delayed shipment.", "--temperature", "0",
                    "--max-output-tokens", "8")));
            String base = outputText(ok(cli(env, "llm", "responses", "create", "--model", "mka1:tiny",
                    "--input", "\"Write a support reply for a delayed shipment.\"", "--temperature", "0",
                    "--max-output-tokens", "8")));
            assertThat(fineTuned).isEqualTo(base);
        }
    }

    private Run cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(CommandRegistry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> ok(Run run) {
        assertThat(run.code()).as("exit code; stderr: %s", run.err()).isZero();
        return PlainJson.parseObject(run.out(), "CLI output");
    }

    private static String id(Map<String, Object> object) {
        return (String) object.get("id");
    }

    private static List<Object> list(Map<String, Object> page) {
        @SuppressWarnings("unchecked")
        List<Object> data = (List<Object>) page.get("data");
        return data;
    }

    private static String outputText(Map<String, Object> response) {
        Map<?, ?> message = (Map<?, ?>) ((List<?>) response.get("output")).getFirst();
        return (String) ((Map<?, ?>) ((List<?>) message.get("content")).getFirst()).get("text");
    }

    private void awaitStatus(Map<String, String> env, String jobId, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            status = (String) ok(cli(env, "llm", "fine-tuning", "retrieve", "--fine-tuning-job-id", jobId)).get("status");
            if (status.equals(wanted)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + jobId + " never reached " + wanted + " (last: " + status + ")");
    }
}
