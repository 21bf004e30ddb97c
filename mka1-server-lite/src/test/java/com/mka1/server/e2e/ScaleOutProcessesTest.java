package com.mka1.server.e2e;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.Multipart;
import com.mka1.server.testing.ScaleOutCluster;
import com.mka1.server.testing.ServerProcess;
import com.mka1.server.testing.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static com.mka1.server.testing.TestServer.ADMIN_KEY;
import static com.mka1.server.testing.TestServer.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Three real {@code mka1 serve} processes share one PostgreSQL database and one S3 bucket (s3proxy)
 * on loopback, training for real (LoRA on mka1:tiny, reference backend): one is killed with
 * SIGKILL mid-training and every job still succeeds, exactly once, with the same weights as an
 * uninterrupted run; then, with the killed node started again, 50 concurrent clients create and
 * list jobs across the three with no 5xx and no job claimed twice (a trigger on the jobs table
 * records every claim). One cluster serves both tests, in order: starting three JVMs is slow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutProcessesTest {
    private static final String[] AUTH = bearer(ADMIN_KEY);
    private static final int LEASE_SECONDS = 3;
    private static final int EPOCHS = 3;
    /**
     * 10 short examples, one per 48-token row, batch 5: 2 steps per epoch, a checkpoint (and saved
     * trainer state) after each epoch; a fraction of a second per step on the reference backend.
     */
    private static final String JOB = "{\"model\":\"mka1:tiny\",\"training_file\":\"%s\",\"seed\":4242,\"suffix\":\"scale\","
            + "\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{\"n_epochs\":" + EPOCHS + ","
            + "\"batch_size\":5,\"max_seq_length\":48,\"lora_rank\":4,\"lora_alpha\":8}}}}";

    /**
     * A job the queue hands out like any other but whose run fails as it starts (rows of 16 tokens
     * leave no assistant token to train on: the trainer refuses the data), so workers claim job after
     * job while the clients run: many claims for the double-claim check, little training.
     */
    private static final String QUICK_JOB = "{\"model\":\"mka1:tiny\",\"training_file\":\"%s\","
            + "\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{\"max_seq_length\":16}}}}";

    private ScaleOutCluster cluster;
    private String file;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = ScaleOutCluster.start(root, 3, LEASE_SECONDS); // one cluster for both tests: starting three JVMs is slow
        file = upload(cluster.node(1).http);
    }

    @AfterAll
    void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void everyJobSucceedsExactlyOnceWhenANodeIsKilledMidTraining() throws Exception {
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) jobs.add(create(cluster.node(i % 3 + 1).http, file));

        // The first job past its first checkpoint, with its trainer state in the bucket: kill its node.
        String victim = null;
        int killed = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        while (victim == null) {
            if (System.currentTimeMillis() > deadline) fail("no job reached a checkpoint with its state saved: "
                    + statuses(cluster.node(1).http, jobs) + "\n" + cluster.outputs());
            for (String job : jobs) {
                HttpTestClient.Reply now = cluster.node(1).http.get("/v1/fine_tuning/jobs/" + job, AUTH);
                assertThat(now.body()).as("job " + job).doesNotContain("\"status\":\"failed\"");
                Optional<String> holder = cluster.holder(job);
                if (holder.isPresent() && !checkpointSteps(cluster.node(1).http, job).isEmpty()
                        && cluster.blobs().exists("jobs/" + job + "/state/LATEST")) {
                    victim = job;
                    killed = Integer.parseInt(holder.get().replaceAll("^node(\\d+)-\\d+$", "$1"));
                    cluster.node(killed).kill();
                    break;
                }
            }
            Thread.sleep(20);
        }
        int dead = killed;
        List<ServerProcess> survivors = IntStream.rangeClosed(1, 3).filter(n -> n != dead)
                .mapToObj(cluster::node).toList();
        assertThat(status(survivors.getFirst().http, victim)).as("the victim was mid-training").isEqualTo("running");

        deadline = System.currentTimeMillis() + 90_000;
        for (int n = 0; n < jobs.size(); n++) { // polled through the surviving nodes in turn
            int i = n;
            HttpTestClient http = survivors.get(i % 2).http;
            for (String now = status(http, jobs.get(i)); !now.equals("succeeded"); now = status(http, jobs.get(i))) {
                assertThat(now).as(() -> http.get("/v1/fine_tuning/jobs/" + jobs.get(i), AUTH).body() + "\n"
                        + events(http, jobs.get(i)).stream().map(e -> string(e, "message")).toList()).isIn("queued", "running");
                if (System.currentTimeMillis() > deadline) fail("jobs did not all succeed: " + statuses(http, jobs) + "\n" + cluster.outputs());
                Thread.sleep(100);
            }
        }

        Map<String, List<String>> claims = cluster.claims();
        Set<String> adapters = new HashSet<>();
        for (String job : jobs) {
            List<JsonValue.Obj> events = events(survivors.get(1).http, job);
            assertThat(events).as("%s: the same events through both surviving nodes", job)
                    .isEqualTo(events(survivors.get(0).http, job));
            List<String> messages = events.stream().map(e -> string(e, "message")).toList();
            assertThat(events.stream().map(e -> string(e, "id")).distinct()).as(job).hasSize(events.size());
            assertThat(cluster.eventSeqs(job)).as("%s: stored event sequence", job)
                    .isEqualTo(IntStream.range(0, events.size()).boxed().toList());
            assertThat(metricSteps(events)).as(job).containsExactly(IntStream.rangeClosed(1, totalSteps(events))
                    .boxed().toArray(Integer[]::new));
            assertThat(messages).as(job).filteredOn("Fine-tuning job started"::equals).hasSize(1);
            assertThat(messages).as(job).filteredOn("The job has successfully completed"::equals).hasSize(1);
            assertThat(checkpointSteps(survivors.get(0).http, job)).as(job).hasSize(EPOCHS).doesNotHaveDuplicates();
            if (job.equals(victim)) {
                List<String> workers = claims.get(job);
                assertThat(workers).as("claims of the victim").hasSize(2);
                assertThat(workers.getFirst()).isEqualTo("node" + dead + "-1");
                assertThat(workers.get(1)).isNotEqualTo("node" + dead + "-1");
                assertThat(messages).as(job).anySatisfy(m -> assertThat(m).isEqualTo("Worker " + workers.get(1)
                        + " took over the job (its previous worker's lease ran out or it shut down); resuming from the"
                        + " last durable training state"));
                assertThat(messages).as(job).anySatisfy(m -> assertThat(m).matches("Resuming training from step [1-9]\\d*/\\d+"));
            } else {
                assertThat(claims.get(job)).as("claims of " + job).hasSize(1);
                assertThat(messages).as(job).noneMatch(m -> m.contains("took over"));
            }
            adapters.add(sha256(adapter(survivors, job)));
        }
        // Every job trained the same data with the same seed and settings: the resumed one's
        // weights equal the nine uninterrupted runs', byte for byte.
        assertThat(adapters).hasSize(1);
    }

    /** After the first test the killed node is started again: it rejoins the queue. */
    @Test
    @Order(2)
    void fiftyClientsCreateAndListJobsAcrossThreeNodesWithNo5xxAndNoDoubleClaim() throws Exception {
        for (int n = 1; n <= 3; n++) cluster.restartIfDead(n);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        long end = System.currentTimeMillis() + 10_000;
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 50; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> {
                HttpTestClient creates = cluster.node(client % 3 + 1).http;
                HttpTestClient lists = cluster.node((client + 1) % 3 + 1).http;
                for (int round = 0; System.currentTimeMillis() < end; round++) {
                    try {
                        HttpTestClient.Reply reply = creates.postJson("/v1/fine_tuning/jobs", QUICK_JOB.formatted(file), AUTH);
                        statuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
                        if (reply.status() == 200) created.add(string(Json.parse(reply.body()), "id"));
                        else if (!(reply.status() == 429 && reply.body().contains("\"code\":\"queue_full\""))) {
                            failures.add(reply.status() + " " + reply.body());
                        }
                        reply = lists.get("/v1/fine_tuning/jobs?limit=" + (1 + round % 20), AUTH);
                        statuses.computeIfAbsent(reply.status(), s -> new AtomicInteger()).incrementAndGet();
                        if (reply.status() != 200) failures.add(reply.status() + " " + reply.body());
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        for (Thread t : clients) t.join();

        // 429 queue_full is the shared queue's back-pressure (more than 100 jobs waiting), the only non-200 allowed
        assertThat(failures).as("failed calls (statuses: " + statuses + ")").isEmpty();
        assertThat(statuses.keySet()).as("every status answered").isSubsetOf(200, 429).contains(200);
        assertThat(new HashSet<>(created)).as("job ids").hasSize(created.size());
        assertThat(created.size()).as("jobs created").isGreaterThanOrEqualTo(50);
        List<String> listed = listAll(cluster.node(1).http);
        assertThat(listed).as("jobs listed by node 1").containsAll(created).doesNotHaveDuplicates();
        for (int n = 2; n <= 3; n++) { // every node lists the same jobs
            assertThat(listAll(cluster.node(n).http)).as("jobs listed by node " + n).containsExactlyInAnyOrderElementsOf(listed);
        }
        Map<String, List<String>> claims = new HashMap<>(cluster.claims());
        claims.keySet().retainAll(new HashSet<>(created));
        assertThat(claims).as("claims per job").allSatisfy((job, workers) -> assertThat(workers).as(job).hasSize(1));
        assertThat(claims.keySet()).as("claimed jobs").hasSizeGreaterThanOrEqualTo(10);
        Set<String> claimingNodes = new HashSet<>();
        claims.values().forEach(w -> claimingNodes.add(w.getFirst().replaceAll("-\\d+$", "")));
        assertThat(claimingNodes).as("nodes that claimed jobs").hasSizeGreaterThanOrEqualTo(2);
    }

    // ---- the API ----

    private static String upload(HttpTestClient http) {
        Multipart form = new Multipart().field("purpose", "fine-tune").file("file", "train.jsonl", TrainingData.shortChatJsonl(10));
        HttpTestClient.Reply reply = http.post("/v1/files", form.contentType(), form.body(), AUTH);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return string(Json.parse(reply.body()), "id");
    }

    private static String create(HttpTestClient http, String file) {
        HttpTestClient.Reply reply = http.postJson("/v1/fine_tuning/jobs", JOB.formatted(file), AUTH);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return string(Json.parse(reply.body()), "id");
    }

    private static String status(HttpTestClient http, String job) {
        HttpTestClient.Reply reply = http.get("/v1/fine_tuning/jobs/" + job, AUTH);
        assertThat(reply.status()).as(job + ": " + reply.body()).isEqualTo(200);
        return string(Json.parse(reply.body()), "status");
    }

    private static Map<String, String> statuses(HttpTestClient http, List<String> jobs) {
        Map<String, String> out = new TreeMap<>();
        jobs.forEach(j -> out.put(j, status(http, j)));
        return out;
    }

    private static List<String> listAll(HttpTestClient http) {
        List<String> ids = new ArrayList<>();
        String after = null;
        while (true) {
            HttpTestClient.Reply reply = http.get("/v1/fine_tuning/jobs?limit=100" + (after == null ? "" : "&after=" + after), AUTH);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonValue.Obj page = (JsonValue.Obj) Json.parse(reply.body());
            List<JsonValue> data = ((JsonValue.Arr) page.get("data")).items();
            data.forEach(j -> ids.add(string(j, "id")));
            if (!(page.get("has_more") instanceof JsonValue.Bool more) || !more.value() || data.isEmpty()) return ids;
            after = ids.getLast();
        }
    }

    private static List<JsonValue.Obj> events(HttpTestClient http, String job) {
        HttpTestClient.Reply reply = http.get("/v1/fine_tuning/jobs/" + job + "/events?limit=100", AUTH);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<JsonValue.Obj> newestFirst = ((JsonValue.Arr) ((JsonValue.Obj) Json.parse(reply.body())).get("data")).items()
                .stream().map(JsonValue.Obj.class::cast).toList();
        assertThat(newestFirst.size()).as("events of " + job + " fit one page").isLessThan(100);
        return newestFirst.reversed();
    }

    private static List<Integer> checkpointSteps(HttpTestClient http, String job) {
        HttpTestClient.Reply reply = http.get("/v1/fine_tuning/jobs/" + job + "/checkpoints?limit=100", AUTH);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return ((JsonValue.Arr) ((JsonValue.Obj) Json.parse(reply.body())).get("data")).items().stream()
                .map(c -> number(c, "step_number")).toList();
    }

    private static List<Integer> metricSteps(List<JsonValue.Obj> events) {
        return events.stream().filter(e -> string(e, "type").equals("metrics")).map(e -> number(e.get("data"), "step")).toList();
    }

    /** The step count the metrics events report ({@code total_steps} of the last one). */
    private static int totalSteps(List<JsonValue.Obj> events) {
        return events.stream().filter(e -> string(e, "type").equals("metrics")).map(e -> number(e.get("data"), "total_steps"))
                .reduce((a, b) -> b).orElseThrow();
    }

    /** The job's final LoRA weights, on whichever surviving node finished it. */
    private static Path adapter(List<ServerProcess> survivors, String job) throws IOException {
        for (ServerProcess node : survivors) {
            Path model = node.dataDir().resolve("scratch").resolve(job).resolve("output/model/adapter_model.safetensors");
            if (Files.isRegularFile(model)) return model;
        }
        throw new AssertionError("no surviving node holds the final adapter of " + job);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String string(JsonValue json, String field) {
        return ((JsonValue.Str) ((JsonValue.Obj) json).get(field)).value();
    }

    private static int number(JsonValue json, String field) {
        return ((JsonValue.Num) ((JsonValue.Obj) json).get(field)).value().intValue();
    }
}
