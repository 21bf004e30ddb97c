package com.mka1.server.e2e;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.Multipart;
import com.mka1.server.testing.ServerProcess;
import com.mka1.server.testing.TrainingData;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static com.mka1.server.testing.TestServer.ADMIN_KEY;
import static com.mka1.server.testing.TestServer.BASE_MODEL;
import static com.mka1.server.testing.TestServer.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real {@code mka1 serve} process killed with SIGKILL at chosen points (mid-upload, mid-create,
 * mid-training and checkpoint writes, mid-pause, mid-cancel, mid-resume), then restarted on the
 * same data directory, {@value #ROUNDS} times. After every restart: start-up succeeded, every
 * status a client was told still holds (a terminal one unchanged, any other only moved forward
 * along the state machine), no event a client saw is lost and none is duplicated, no upload spool
 * or uncommitted file is left, and every uploaded file's bytes are intact. At the end every job
 * finishes, each with its steps recorded exactly once.
 */
class KillNineTest {
    private static final int ROUNDS = 21;
    private static final int STEPS = 6;
    private static final String[] AUTH = bearer(ADMIN_KEY);
    /** Every status a status may become, directly or not (the spec's state machine). */
    private static final Map<String, Set<String>> REACHABLE = Map.of(
            "validating_files", Set.of("validating_files", "queued", "running", "pausing", "paused", "succeeded", "failed", "cancelled"),
            "queued", Set.of("queued", "running", "pausing", "paused", "succeeded", "failed", "cancelled"),
            "running", Set.of("running", "pausing", "paused", "queued", "succeeded", "failed", "cancelled"),
            "pausing", Set.of("pausing", "paused", "queued", "running", "succeeded", "failed", "cancelled"),
            "paused", Set.of("paused", "queued", "running", "pausing", "succeeded", "failed", "cancelled"),
            "succeeded", Set.of("succeeded"), "failed", Set.of("failed"), "cancelled", Set.of("cancelled"));

    @TempDir
    Path root;

    private final Map<String, String> toldStatus = new HashMap<>();
    private final Map<String, Set<String>> seenEvents = new HashMap<>();
    private final Map<String, String> fileSha = new HashMap<>();
    private final byte[] upload = TrainingData.chatJsonl(30_000).getBytes(StandardCharsets.UTF_8); // ~4 MB
    private int spoolLeftoversSeen;

    @Test
    void killNineAtAnyPointLeavesConsistentStateAndEveryJobFinishes() throws Exception {
        Path data = root.resolve("data");
        Random random = new Random(13);
        String smallFile = null;
        for (int round = 0; round < ROUNDS; round++) {
            ServerProcess server = ServerProcess.start(data, STEPS, 30, 2, List.of());
            try {
                checkConsistent(server.http, data);
                if (smallFile == null) smallFile = uploadSmall(server.http);
                String point = switch (round % 6) {
                    case 0 -> killMidUpload(server, data);
                    case 1 -> fireThenKill(server, random, List.of(createRequest(server.http, smallFile)));
                    case 2 -> {
                        created(server.http.send(createRequest(server.http, smallFile)));
                        yield fireThenKill(server, random, List.of()); // mid-training, checkpoints every 2 steps
                    }
                    case 3 -> fireThenKill(server, random, actions(server.http, "running", "pause"));
                    case 4 -> fireThenKill(server, random, actions(server.http, "running|queued|paused", "cancel").stream().limit(1).toList());
                    default -> fireThenKill(server, random, actions(server.http, "paused", "resume"));
                };
                assertThat(point).isNotEmpty();
            } finally {
                server.kill();
            }
            spoolLeftoversSeen += spoolParts(data).size();
        }

        try (ServerProcess server = ServerProcess.start(data, STEPS, 30, 2, List.of())) {
            checkConsistent(server.http, data);
            for (String job : toldStatus.keySet()) {
                if (status(server.http, job).equals("paused")) server.http.post("/v1/fine_tuning/jobs/" + job + "/resume",
                        "application/json", new byte[0], AUTH);
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (toldStatus.keySet().stream().anyMatch(j -> !REACHABLE.get(status(server.http, j)).equals(Set.of(status(server.http, j))))) {
                if (System.currentTimeMillis() > deadline) fail("jobs did not finish: " + statuses(server.http));
                Thread.sleep(100);
            }
            checkConsistent(server.http, data);
            int succeeded = 0;
            for (String job : toldStatus.keySet()) {
                List<JsonValue.Obj> events = events(server.http, job);
                List<String> messages = events.stream().map(e -> ((JsonValue.Str) e.get("message")).value()).toList();
                if (status(server.http, job).equals("succeeded")) {
                    succeeded++;
                    assertThat(messages).as(job).filteredOn("Fine-tuning job started"::equals).hasSize(1);
                    assertThat(messages).as(job).filteredOn("The job has successfully completed"::equals).hasSize(1);
                    assertThat(metricSteps(events)).as(job).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
                } else {
                    assertThat(status(server.http, job)).as(job).isIn("cancelled", "failed");
                }
            }
            assertThat(succeeded).as(statuses(server.http).toString()).isPositive();
            assertThat(toldStatus).hasSizeGreaterThanOrEqualTo(5);
        }
        assertThat(spoolLeftoversSeen).as("uploads killed mid-spool").isPositive();
    }

    // ---- the kill points ----

    /** Streams a large upload with its purpose last (so it spools) and kills once the spool file exists. */
    private String killMidUpload(ServerProcess server, Path data) throws Exception {
        Multipart form = new Multipart().file("file", "big.jsonl", new String(upload, StandardCharsets.UTF_8))
                .field("purpose", "fine-tune");
        HttpRequest request = server.http.request("/v1/files", AUTH).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build();
        Thread client = Thread.ofVirtual().start(() -> recordUpload(trySend(server.http, request), upload));
        long deadline = System.currentTimeMillis() + 5_000;
        while (spoolParts(data).isEmpty() && client.isAlive() && System.currentTimeMillis() < deadline) Thread.onSpinWait();
        server.kill();
        client.join();
        return "upload";
    }

    /** Sends the requests on a thread and kills the server 0-150 ms later, recording whatever answers came back. */
    private String fireThenKill(ServerProcess server, Random random, List<HttpRequest> requests) throws Exception {
        Thread client = Thread.ofVirtual().start(() -> {
            for (HttpRequest r : requests) {
                HttpTestClient.Reply reply = trySend(server.http, r);
                if (reply == null) return;
                if (reply.status() == 200) tell(Json.parse(reply.body()));
            }
        });
        Thread.sleep(random.nextInt(150));
        server.kill();
        client.join();
        return "requests " + requests.size();
    }

    private List<HttpRequest> actions(HttpTestClient http, String statuses, String action) {
        List<HttpRequest> out = new ArrayList<>();
        for (String job : toldStatus.keySet()) {
            if (status(http, job).matches(statuses)) {
                out.add(http.request("/v1/fine_tuning/jobs/" + job + "/" + action, AUTH)
                        .POST(HttpRequest.BodyPublishers.noBody()).build());
            }
        }
        return out;
    }

    private HttpRequest createRequest(HttpTestClient http, String fileId) {
        return http.request("/v1/fine_tuning/jobs", AUTH).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + BASE_MODEL + "\",\"training_file\":\"" + fileId + "\"}"))
                .build();
    }

    private String uploadSmall(HttpTestClient http) {
        byte[] small = TrainingData.chatJsonl(12).getBytes(StandardCharsets.UTF_8);
        Multipart form = new Multipart().field("purpose", "fine-tune").file("file", "small.jsonl", new String(small, StandardCharsets.UTF_8));
        HttpTestClient.Reply reply = http.post("/v1/files", form.contentType(), form.body(), AUTH);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return recordUpload(reply, small);
    }

    private String recordUpload(HttpTestClient.Reply reply, byte[] bytes) {
        if (reply == null || reply.status() != 200) return null;
        String id = string(Json.parse(reply.body()), "id");
        synchronized (fileSha) {
            fileSha.put(id, sha(bytes));
        }
        return id;
    }

    private void created(HttpTestClient.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        tell(Json.parse(reply.body()));
    }

    // ---- what clients were told, and the checks against it ----

    private synchronized void tell(JsonValue job) {
        if (!"fine_tuning.job".equals(string(job, "object"))) return;
        toldStatus.put(string(job, "id"), string(job, "status"));
    }

    private void checkConsistent(HttpTestClient http, Path data) throws IOException, InterruptedException {
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(spoolParts(data)).as("spool leftovers after start-up").isEmpty();
        assertThat(data.resolve("jobs/.quarantine")).as("nothing unreadable").doesNotExist();
        // resumed jobs may be writing a result file right now (temp file, then content, then record):
        // what is in flight must be gone within seconds, what start-up left behind never goes
        long settle = System.currentTimeMillis() + 10_000;
        List<String> strays = strayFiles(data);
        while (!strays.isEmpty() && System.currentTimeMillis() < settle) {
            Thread.sleep(100);
            strays = strayFiles(data);
        }
        assertThat(strays).as("uncommitted uploads, temp files or content without its record").isEmpty();
        for (Map.Entry<String, String> f : Map.copyOf(fileSha).entrySet()) {
            HttpTestClient.Reply content = http.get("/v1/files/" + f.getKey() + "/content", AUTH);
            assertThat(content.status()).as(f.getKey()).isEqualTo(200);
            assertThat(sha(content.body().getBytes(StandardCharsets.UTF_8))).as("bytes of " + f.getKey()).isEqualTo(f.getValue());
        }
        // Jobs whose create answer was cut off by the kill are checked from when they are first seen.
        HttpTestClient.Reply list = http.get("/v1/fine_tuning/jobs?limit=100", AUTH);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        for (JsonValue job : ((JsonValue.Arr) ((JsonValue.Obj) Json.parse(list.body())).get("data")).items()) {
            toldStatus.putIfAbsent(string(job, "id"), string(job, "status"));
        }
        for (Map.Entry<String, String> told : Map.copyOf(toldStatus).entrySet()) {
            String job = told.getKey();
            String now = status(http, job);
            assertThat(REACHABLE.get(told.getValue())).as(job + " was told " + told.getValue() + ", is now " + now).contains(now);
            List<JsonValue.Obj> events = events(http, job);
            List<String> ids = events.stream().map(e -> string(e, "id")).toList();
            assertThat(new HashSet<>(ids)).as("event ids of " + job).hasSize(ids.size());
            assertThat(ids).as("events of " + job + " seen before").containsAll(seenEvents.getOrDefault(job, Set.of()));
            assertThat(events.stream().filter(e -> string(e, "message").equals("Fine-tuning job started"))).as(job).hasSizeLessThanOrEqualTo(1);
            List<Integer> steps = metricSteps(events);
            assertThat(new HashSet<>(steps)).as("metric steps of " + job).hasSize(steps.size());
            seenEvents.put(job, new HashSet<>(ids));
            toldStatus.put(job, now);
        }
    }

    private static List<Integer> metricSteps(List<JsonValue.Obj> events) {
        return events.stream().filter(e -> string(e, "type").equals("metrics"))
                .map(e -> ((JsonValue.Num) ((JsonValue.Obj) e.get("data")).get("step")).value().intValue()).toList();
    }

    private static List<JsonValue.Obj> events(HttpTestClient http, String job) {
        HttpTestClient.Reply reply = http.get("/v1/fine_tuning/jobs/" + job + "/events?limit=100", AUTH);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonValue.Arr data = (JsonValue.Arr) ((JsonValue.Obj) Json.parse(reply.body())).get("data");
        return data.items().stream().map(JsonValue.Obj.class::cast).toList();
    }

    private static String status(HttpTestClient http, String job) {
        HttpTestClient.Reply reply = http.get("/v1/fine_tuning/jobs/" + job, AUTH);
        assertThat(reply.status()).as(job + ": " + reply.body()).isEqualTo(200);
        return string(Json.parse(reply.body()), "status");
    }

    private Map<String, String> statuses(HttpTestClient http) {
        Map<String, String> out = new HashMap<>();
        toldStatus.keySet().forEach(j -> out.put(j, status(http, j)));
        return out;
    }

    /** Files of the store that are not a committed record or the content of one. */
    private static List<String> strayFiles(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data.resolve("files"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> !name.matches("file_[0-9a-f]+\\.(json|content)")
                            || name.endsWith(".content") && !Files.exists(data.resolve("files").resolve(name.replace(".content", ".json"))))
                    .toList();
        }
    }

    private static List<Path> spoolParts(Path data) throws IOException {
        Path spool = data.resolve("spool");
        if (!Files.isDirectory(spool)) return List.of();
        try (Stream<Path> parts = Files.list(spool)) {
            return parts.toList();
        }
    }

    private static HttpTestClient.Reply trySend(HttpTestClient http, HttpRequest request) {
        try {
            return http.send(request);
        } catch (RuntimeException killed) {
            return null;
        }
    }

    private static String string(JsonValue json, String field) {
        return ((JsonValue.Str) ((JsonValue.Obj) json).get(field)).value();
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
