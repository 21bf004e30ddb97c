package com.mka1.server.e2e;

import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.Multipart;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TrainingData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server whose data directory fills up, on a small file system of its own (a 16 MiB tmpfs,
 * mounted when the test runs as root; skipped elsewhere, where {@code FullDiskLedgerTest} in
 * mka1-core injects the same failure at the storage layer): changes answer 507 and leave nothing
 * behind, no status is reported that the disk does not hold, the server starts read-only on the
 * full disk and says so, and everything goes on once space is freed.
 */
class FullDiskTest {
    private static final String[] ADMIN = TestServer.bearer(TestServer.ADMIN_KEY);

    @TempDir
    Path root;
    private Path mount;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = Files.createDirectories(root.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        boolean mounted = p.waitFor() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (not root?): " + new String(p.getInputStream().readAllBytes()));
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
    }

    @Test
    void aFullDiskAnswers507ChangesNothingAndTheServerStartsReadOnly() throws Exception {
        Path data = mount.resolve("data");
        String running;
        String queued;
        try (TestServer server = TestServer.start(data, new ScriptedTrainer(100_000, 50, 1_000_000))) {
            String file = id(upload(server));
            running = id(create(server, file));
            awaitStatus(server, running, "running");
            queued = id(create(server, file));
            awaitStatus(server, queued, "queued");

            fill(mount.resolve("filler"));
            Reply create = create(server, file);
            assertThat(create.status()).isEqualTo(507);
            assertThat(create.body()).contains("\"code\":\"insufficient_storage\"").contains("data directory is full");
            assertThat(jobIds(server)).containsExactlyInAnyOrder(running, queued); // no phantom job
            Reply pause = server.http.post("/v1/fine_tuning/jobs/" + queued + "/pause", "application/json", new byte[0], ADMIN);
            assertThat(pause.status()).isEqualTo(507);
            assertThat(status(server, queued)).isEqualTo("queued");
            Reply upload = upload(server);
            assertThat(upload.status()).isEqualTo(507);
            assertThat(upload.body()).contains("\"code\":\"insufficient_storage\"");
            awaitHealth(server, "read_only");
            Thread.sleep(300); // training steps now fail to record
            assertThat(status(server, running)).isEqualTo("running"); // what the disk holds, never "failed"
        }
        try (TestServer server = TestServer.start(data, new ScriptedTrainer(100_000, 50, 1_000_000))) {
            awaitHealth(server, "read_only"); // started on the full disk, and says so
            assertThat(status(server, running)).isEqualTo("running");
            assertThat(status(server, queued)).isEqualTo("queued");
            Files.delete(mount.resolve("filler"));
            awaitHealth(server, "ok");
            awaitStatus(server, running, "running");
            Reply cancel = server.http.post("/v1/fine_tuning/jobs/" + running + "/cancel", "application/json", new byte[0], ADMIN);
            assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
            Reply events = server.http.get("/v1/fine_tuning/jobs/" + running + "/events?limit=100", ADMIN);
            assertThat(events.body()).contains("Job cancelled"); // "resumed after restart" could not be written: not shown
            assertThat(create(server, id(upload(server))).status()).isEqualTo(200);
        }
    }

    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) out.write(block);
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left on device");
        }
    }

    private static Reply upload(TestServer server) {
        Multipart form = new Multipart().field("purpose", "fine-tune").file("file", "t.jsonl", TrainingData.chatJsonl(10));
        return server.http.post("/v1/files", form.contentType(), form.body(), ADMIN);
    }

    private static Reply create(TestServer server, String file) {
        return server.http.postJson("/v1/fine_tuning/jobs", "{\"model\":\"test:base\",\"training_file\":\"" + file + "\"}", ADMIN);
    }

    private static String id(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"id\":\"([a-z]+_[0-9a-f]+)\"").matcher(reply.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static java.util.List<String> jobIds(TestServer server) {
        Matcher m = Pattern.compile("\"id\":\"(ftjob_[0-9a-f]+)\"").matcher(server.http.get("/v1/fine_tuning/jobs", ADMIN).body());
        java.util.List<String> ids = new java.util.ArrayList<>();
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    private static String status(TestServer server, String job) {
        Reply reply = server.http.get("/v1/fine_tuning/jobs/" + job, ADMIN);
        assertThat(reply.status()).isEqualTo(200);
        return reply.body().replaceAll(".*\"status\":\"([a-z_]+)\".*", "$1");
    }

    private static void awaitStatus(TestServer server, String job, String expected) throws InterruptedException {
        for (int i = 0; i < 1000 && !status(server, job).equals(expected); i++) Thread.sleep(10);
        assertThat(status(server, job)).isEqualTo(expected);
    }

    private static void awaitHealth(TestServer server, String expected) throws InterruptedException {
        String body = "";
        for (int i = 0; i < 100; i++) {
            body = server.http.get("/health").body();
            if (body.equals("{\"status\":\"" + expected + "\"}")) return;
            Thread.sleep(50);
        }
        assertThat(body).isEqualTo("{\"status\":\"" + expected + "\"}");
    }
}
