package com.mka1.server.e2e;

import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.Multipart;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TrainingData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static com.mka1.server.testing.HttpTestClient.envelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an adversarial client found (issue 13), each over real HTTP: numbers that would cost
 * huge work or could not be read back are refused at parse time; out-of-range settings are 400s
 * that quote at most a short prefix; bad bodies, names and backends are 400s; a 401 says how to
 * authenticate; the queue bound holds through resume; and a job paused and resumed before it
 * ever trained says "started" once.
 */
class HostileRequestsTest {
    private static final String HP = "method.supervised.hyperparameters.";

    @TempDir
    static Path dir;
    private static TestServer server;
    private static String file;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, new ScriptedTrainer(4, 5, 2));
        Multipart form = new Multipart().field("purpose", "fine-tune").file("file", "t.jsonl", TrainingData.chatJsonl(10));
        Reply reply = server.http.post("/v1/files", form.contentType(), form.body(), admin());
        assertThat(reply.status()).isEqualTo(200);
        file = reply.body().replaceAll(".*\"id\":\"(file_[0-9a-f]+)\".*", "$1");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] admin(String... more) {
        return TestServer.bearer(TestServer.ADMIN_KEY, more);
    }

    private static Reply create(String extra) {
        return server.http.postJson("/v1/fine_tuning/jobs", "{\"model\":\"test:base\",\"training_file\":\"" + file + "\"" + extra + "}",
                admin());
    }

    private static String hyperparameters(String json) {
        return ",\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{" + json + "}}}";
    }

    @Test
    void hugeNumbersAreRefusedAtParseTimeAndNothingUnreadableIsStored() {
        Reply integrations = create(",\"integrations\":[{\"type\":\"wandb\",\"x\":1e1000}]");
        assertThat(integrations.status()).isEqualTo(400);
        assertThat(integrations.body()).isEqualTo(envelope("We could not parse the JSON body of your request: number out of range:"
                + " '1e1000' (the exponent must be within ±400) at line 1, column 120", "invalid_request_error", null, "invalid_json"));
        Reply hugeExponent = create(",\"integrations\":[1e2147483647]");
        assertThat(hugeExponent.status()).isEqualTo(400);
        assertThat(hugeExponent.body()).contains("number out of range: '1e2147483647'");
        Reply longNumber = create(",\"seed\":" + "9".repeat(5000));
        assertThat(longNumber.status()).isEqualTo(400);
        assertThat(longNumber.body()).contains("Number value length (5000) exceeds the maximum allowed (100");
        assertThat(longNumber.body().length()).isLessThan(400);
        // Nothing was stored: the list answers, and nothing is in it.
        Reply list = server.http.get("/v1/fine_tuning/jobs?metadata[k]=none", admin());
        assertThat(list.status()).isEqualTo(200);
    }

    @Test
    void tinyBodiesWithHugeNumbersAre400sWithShortErrors() {
        String body = "{\"model\":\"test:base\",\"input\":\"hi\",\"max_output_tokens\":1e20000000}";
        Reply responses = server.http.postJson("/v1/responses", body, TestServer.bearer(TestServer.USER_KEY));
        assertThat(responses.status()).isEqualTo(400);
        assertThat(responses.body()).contains("number out of range: '1e20000000'");
        assertThat(responses.body().length()).isLessThan(400);

        Reply epochs = create(hyperparameters("\"n_epochs\":1e300"));
        assertThat(epochs.status()).isEqualTo(400);
        assertThat(epochs.body()).contains("Invalid '" + HP + "n_epochs': '1E+300' is out of range.");
        Reply seed = create(",\"seed\":100000000000000000000");
        assertThat(seed.body()).isEqualTo(envelope("Invalid 'seed': '1E+20' is out of range.",
                "invalid_request_error", "seed", "invalid_value"));
        Reply alpha = create(hyperparameters("\"lora_alpha\":1e399"));
        assertThat(alpha.body()).isEqualTo(envelope("Invalid '" + HP + "lora_alpha': '1E+399' is out of range.",
                "invalid_request_error", HP + "lora_alpha", "invalid_value"));
        Reply bigAlpha = create(hyperparameters("\"lora_alpha\":1e300"));
        assertThat(bigAlpha.body()).isEqualTo(envelope("Invalid 'lora_alpha': 1.0E300 (must be <= 65536).",
                "invalid_request_error", HP + "lora_alpha", "invalid_hyperparameters"));
        Reply rate = create(hyperparameters("\"learning_rate_multiplier\":1e309"));
        assertThat(rate.status()).isEqualTo(400);
        assertThat(rate.body()).contains("is out of range.");
    }

    @Test
    void anUninstalledBackendIsRefusedNamingTheInstalledOnes() {
        Reply reply = create(hyperparameters("\"backend\":\"nosuch\""));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).contains("\"message\":\"Invalid 'backend': 'nosuch' is not installed (installed: ")
                .contains("reference").contains("\"param\":\"" + HP + "backend\"");
    }

    @Test
    void filenamesWithControlCharactersAreRefused() {
        for (String name : new String[] {"evil\u001b[2J.jsonl", "nul\u0000.jsonl"}) {
            Multipart form = new Multipart().field("purpose", "fine-tune").file("file", name, TrainingData.chatJsonl(10));
            Reply reply = server.http.post("/v1/files", form.contentType(), form.body(), admin());
            assertThat(reply.body()).as(name).isEqualTo(envelope("The filename contains control characters.",
                    "invalid_request_error", "file", "invalid_value"));
        }
    }

    @Test
    void aMalformedChunkedBodyIsA400AndA401SaysHowToAuthenticate() throws IOException {
        String request = "POST /v1/fine_tuning/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.ADMIN_KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
        String answer = raw(request);
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer).contains("\"code\":\"invalid_body\"");

        Reply unauthorized = server.http.get("/v1/files");
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"mka1\"");
    }

    @Test
    void resumeKeepsTheQueueBoundAndAJobPausedBeforeItTrainsStartsOnce() throws Exception {
        try (TestServer slow = TestServer.start(dir.resolve("bound"), new ScriptedTrainer(1000, 200, 1000))) {
            Multipart form = new Multipart().field("purpose", "fine-tune").file("file", "t.jsonl", TrainingData.chatJsonl(10));
            String f = id(slow.http.post("/v1/files", form.contentType(), form.body(), admin()));
            String body = "{\"model\":\"test:base\",\"training_file\":\"" + f + "\"}";
            String running = id(slow.http.postJson("/v1/fine_tuning/jobs", body, admin()));
            awaitStatus(slow, running, "running"); // holds the only worker
            String waiting = id(slow.http.postJson("/v1/fine_tuning/jobs", body, admin()));
            awaitStatus(slow, waiting, "queued");
            assertThat(slow.http.post("/v1/fine_tuning/jobs/" + waiting + "/pause", "application/json", new byte[0], admin()).status())
                    .isEqualTo(200);
            for (int i = 0; i < 100; i++) { // the engine's queue holds 100 waiting jobs
                assertThat(slow.http.postJson("/v1/fine_tuning/jobs", body, admin()).status()).isEqualTo(200);
            }
            assertThat(slow.http.postJson("/v1/fine_tuning/jobs", body, admin()).status()).isEqualTo(429);
            Reply resume = slow.http.post("/v1/fine_tuning/jobs/" + waiting + "/resume", "application/json", new byte[0], admin());
            assertThat(resume.status()).isEqualTo(429);
            assertThat(resume.body()).contains("\"code\":\"queue_full\"");
            Reply events = slow.http.get("/v1/fine_tuning/jobs/" + running + "/events?limit=100", admin());
            assertThat(events.body().split("Fine-tuning job started", -1).length - 1).isEqualTo(1);
            assertThat(slow.http.get("/v1/fine_tuning/jobs/" + waiting + "/events?limit=100", admin()).body())
                    .doesNotContain("Fine-tuning job started");
            slow.http.post("/v1/fine_tuning/jobs/" + running + "/cancel", "application/json", new byte[0], admin());
        }
    }

    private static String id(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\":\"([a-z]+_[0-9a-f]+)\"").matcher(reply.body());
        assertThat(m.find()).as(reply.body()).isTrue();
        return m.group(1);
    }

    private static void awaitStatus(TestServer s, String id, String statuses) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            String status = s.http.get("/v1/fine_tuning/jobs/" + id, admin()).body().replaceAll(".*\"status\":\"([a-z_]+)\".*", "$1");
            if (status.matches(statuses)) return;
            Thread.sleep(10);
        }
        throw new AssertionError(id + " never became " + statuses);
    }

    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket(server.root().getHost(), server.root().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aJsonBodyFarOverTheLimitGetsIts413() throws IOException {
        int size = 50 << 20; // 50 MiB, announced with Content-Length; the limit here is 1 MiB
        try (Socket socket = new Socket(server.root().getHost(), server.root().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/fine_tuning/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.ADMIN_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + size + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) ' ');
            for (int sent = 0; sent < size; sent += block.length) out.write(block); // the client sends it all, as curl does
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 413 ");
            assertThat(answer).endsWith(envelope("The JSON body is larger than the limit of 1048576 bytes",
                    "invalid_request_error", null, "payload_too_large"));
        }
    }

    @Test
    void aServerWithAnUnreadableJobRecordStartsAndQuarantinesIt() throws IOException {
        Path data = dir.resolve("damaged");
        Files.createDirectories(data.resolve("jobs/ftjob_damaged"));
        Files.writeString(data.resolve("jobs/ftjob_damaged/job.json"), "{\"job\":{\"integrations\":[1e1000]}}");
        try (TestServer damaged = TestServer.start(data, new ScriptedTrainer(2, 1, 10))) {
            Reply list = damaged.http.get("/v1/fine_tuning/jobs", admin());
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body()).isEqualTo("{\"object\":\"list\",\"data\":[],\"has_more\":false,\"first_id\":null,\"last_id\":null}");
        }
        try (var quarantined = Files.list(data.resolve("jobs/.quarantine"))) {
            assertThat(quarantined.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("ftjob_damaged.");
        }
    }
}
