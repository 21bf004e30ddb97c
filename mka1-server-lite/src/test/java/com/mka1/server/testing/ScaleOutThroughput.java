package com.mka1.server.testing;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The scale-out benchmark ({@code bench/scale-out-throughput.sh}): job throughput of small
 * fine-tuning jobs with 1, 2 and 3 {@code mka1 serve} nodes on one PostgreSQL and one s3proxy
 * bucket ({@link ScaleOutCluster}), side by side, with where a job's time goes (from the database's
 * record of each claim and status change). Each setting gets a fresh cluster; all jobs are
 * submitted at once, round robin over the nodes, and timed from the first create to the last finish.
 * Usage: {@code ScaleOutThroughput [jobs-per-setting] [max-nodes]}.
 */
public final class ScaleOutThroughput {
    /** A small job: LoRA on mka1:tiny, 10 short examples, one epoch of two steps (batch 5, rows of 48 tokens). */
    private static final String JOB = "{\"model\":\"mka1:tiny\",\"training_file\":\"%s\",\"seed\":7,"
            + "\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{\"n_epochs\":1,"
            + "\"batch_size\":5,\"max_seq_length\":48,\"lora_rank\":4,\"lora_alpha\":8}}}}";
    private static final String[] AUTH = TestServer.bearer(TestServer.ADMIN_KEY);

    private record Result(int nodes, int jobs, double seconds, Map<String, Double> phases) {
        double jobsPerMinute() {
            return jobs * 60 / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int maxNodes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path root = Files.createTempDirectory("mka1-scale-out-bench-");
        List<Result> results = new ArrayList<>();
        for (int nodes = 1; nodes <= maxNodes; nodes++) {
            try (ScaleOutCluster cluster = ScaleOutCluster.start(root.resolve(nodes + "-nodes"), nodes, 30)) {
                results.add(run(cluster, jobs));
            }
        }
        print(results);
        System.exit(0); // LocalPostgres stops in a shutdown hook
    }

    private static Result run(ScaleOutCluster cluster, int count) throws Exception {
        Multipart form = new Multipart().field("purpose", "fine-tune").file("file", "train.jsonl", TrainingData.shortChatJsonl(10));
        String file = id(cluster.node(1).http.post("/v1/files", form.contentType(), form.body(), AUTH));
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(id(cluster.node(i % cluster.size() + 1).http.postJson("/v1/fine_tuning/jobs", JOB.formatted(file), AUTH)));
        }
        for (int i = 0; i < ids.size(); i++) {
            HttpTestClient http = cluster.node(i % cluster.size() + 1).http;
            String status;
            while (!Set.of("succeeded", "failed", "cancelled").contains(status = field(http.get("/v1/fine_tuning/jobs/" + ids.get(i), AUTH), "status"))) {
                Thread.sleep(50);
            }
            if (!status.equals("succeeded")) throw new IllegalStateException(ids.get(i) + " " + status);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(cluster.size(), count, seconds, phases(cluster.history()));
    }

    /** Mean seconds per job between the recorded changes: created, queued, claimed, running, succeeded. */
    private static Map<String, Double> phases(List<ScaleOutCluster.Change> history) {
        Map<String, Map<String, Long>> at = new HashMap<>();
        for (ScaleOutCluster.Change c : history) {
            String what = c.kind().equals("status") ? c.status() : c.kind();
            at.computeIfAbsent(c.jobId(), id -> new HashMap<>()).putIfAbsent(what, c.atMicros());
        }
        String[][] spans = {{"validate", "created", "queued"}, {"wait in queue", "queued", "claimed"},
                {"claim to running", "claimed", "running"}, {"run (load, train, save)", "running", "succeeded"}};
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String[] span : spans) {
            out.put(span[0], at.values().stream().filter(t -> t.containsKey(span[1]) && t.containsKey(span[2]))
                    .mapToLong(t -> t.get(span[2]) - t.get(span[1])).average().orElse(Double.NaN) / 1e6);
        }
        return out;
    }

    private static void print(List<Result> results) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-32s", "nodes"));
        results.forEach(r -> out.append(String.format(Locale.ROOT, "%10d", r.nodes())));
        out.append(String.format(Locale.ROOT, "%n%-32s", "jobs"));
        results.forEach(r -> out.append(String.format(Locale.ROOT, "%10d", r.jobs())));
        out.append(String.format(Locale.ROOT, "%n%-32s", "wall seconds"));
        results.forEach(r -> out.append(String.format(Locale.ROOT, "%10.1f", r.seconds())));
        out.append(String.format(Locale.ROOT, "%n%-32s", "jobs/minute"));
        results.forEach(r -> out.append(String.format(Locale.ROOT, "%10.1f", r.jobsPerMinute())));
        for (String phase : results.getFirst().phases().keySet()) {
            out.append(String.format(Locale.ROOT, "%n%-32s", "mean s: " + phase));
            results.forEach(r -> out.append(String.format(Locale.ROOT, "%10.2f", r.phases().get(phase))));
        }
        System.out.println(out);
    }

    private static String id(HttpTestClient.Reply reply) {
        if (reply.status() != 200) throw new IllegalStateException(reply.status() + " " + reply.body());
        return field(reply, "id");
    }

    private static String field(HttpTestClient.Reply reply, String name) {
        return ((JsonValue.Str) ((JsonValue.Obj) Json.parse(reply.body())).get(name)).value();
    }
}
