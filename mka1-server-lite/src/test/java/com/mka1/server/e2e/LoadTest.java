package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.server.cli.PlainJson;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.Multipart;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.TrainingData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 concurrent clients send 2000 requests mixing uploads, lists and job reads: no 5xx, and
 * every upload that was answered 200 is listed and reads back byte for byte.
 */
class LoadTest {
    private static final int CLIENTS = 50;
    private static final int REQUESTS_PER_CLIENT = 40;

    @Test
    void fiftyClientsTwoThousandRequestsNoServerErrorsNoLostUploads(@TempDir Path dataDir) throws Exception {
        try (TestServer server = TestServer.start(dataDir, new ScriptedTrainer(3, 1, 10))) {
            String[] admin = TestServer.bearer(TestServer.ADMIN_KEY);
            Multipart trainingForm = new Multipart().field("purpose", "fine-tune")
                    .file("file", "t.jsonl", TrainingData.chatJsonl(10));
            String trainingFile = (String) PlainJson.parseObject(server.http.post("/v1/files", trainingForm.contentType(),
                    trainingForm.body(), admin).body(), "file").get("id");
            String jobId = (String) PlainJson.parseObject(server.http.postJson("/v1/fine_tuning/jobs",
                    "{\"model\":\"test:base\",\"training_file\":\"" + trainingFile + "\"}", admin).body(), "job").get("id");

            Map<String, String> uploaded = new ConcurrentHashMap<>();
            AtomicInteger notOk = new AtomicInteger();
            AtomicInteger requests = new AtomicInteger();
            try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                List<Future<?>> done = new java.util.ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    done.add(clients.submit(() -> {
                        HttpTestClient http = new HttpTestClient(server.root());
                        for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                            Reply reply = switch (i % 5) {
                                case 0, 1 -> {
                                    String content = "client " + client + " request " + i + "\n";
                                    Multipart form = new Multipart().field("purpose", "user_data")
                                            .file("file", "c" + client + "-" + i + ".txt", content);
                                    Reply r = http.post("/v1/files", form.contentType(), form.body(), admin);
                                    if (r.status() == 200) {
                                        uploaded.put((String) PlainJson.parseObject(r.body(), "file").get("id"), content);
                                    }
                                    yield r;
                                }
                                case 2 -> http.get("/v1/files?purpose=user_data&limit=20", admin);
                                case 3 -> http.get("/v1/fine_tuning/jobs/" + jobId, admin);
                                default -> http.get("/api/v1/llm/fine_tuning/jobs/" + jobId + "/events?limit=5", admin);
                            };
                            requests.incrementAndGet();
                            if (reply.status() != 200) {
                                notOk.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            assertThat(requests.get()).isEqualTo(CLIENTS * REQUESTS_PER_CLIENT);
            assertThat(notOk.get()).as("answers other than 200 (so no 5xx either)").isZero();
            assertThat(uploaded).hasSize(CLIENTS * REQUESTS_PER_CLIENT * 2 / 5);

            Map<String, Object> list = PlainJson.parseObject(server.http.get("/v1/files?purpose=user_data", admin).body(), "list");
            assertThat((List<?>) list.get("data")).hasSize(uploaded.size());
            for (Map.Entry<String, String> file : uploaded.entrySet()) {
                assertThat(server.http.get("/v1/files/" + file.getKey() + "/content", admin).body()).isEqualTo(file.getValue());
            }
        }
    }
}
