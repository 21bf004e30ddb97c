package com.mka1.server.e2e;

import static com.mka1.server.testing.HttpTestClient.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.server.cli.PlainJson;
import com.mka1.server.http.HttpLimits;
import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.Multipart;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /files over HTTP: each endpoint's success and error answers, exactly. */
class FilesApiTest {
    private static final int UPLOAD_LIMIT = 4096;
    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, new ScriptedTrainer(2, 1, 10), new HttpLimits(1 << 16, UPLOAD_LIMIT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] auth(String... more) {
        return TestServer.bearer(TestServer.USER_KEY, more);
    }

    private static Reply upload(Multipart form, String... headers) {
        return server.http.post("/v1/files", form.contentType(), form.body(), auth(headers));
    }

    @Test
    void uploadListRetrieveContentDelete() {
        String content = "{\"messages\":[]}\n";
        Reply created = upload(new Multipart().field("purpose", "fine-tune").file("file", "train.jsonl", content));
        assertThat(created.status()).isEqualTo(200);
        Map<String, Object> file = PlainJson.parseObject(created.body(), "file");
        String id = (String) file.get("id");
        assertThat(id).matches("file_[0-9a-f]{32}");
        long createdAt = ((Number) file.get("created_at")).longValue();
        assertThat(created.body()).isEqualTo("{\"id\":\"" + id + "\",\"object\":\"file\",\"bytes\":" + content.length()
                + ",\"created_at\":" + createdAt + ",\"filename\":\"train.jsonl\","
                + "\"purpose\":\"fine-tune\",\"status\":\"processed\"}");

        assertThat(server.http.get("/v1/files/" + id, auth()).body()).isEqualTo(created.body());
        assertThat(server.http.get("/api/v1/llm/files/" + id, auth()).body()).isEqualTo(created.body());

        Reply bytes = server.http.get("/v1/files/" + id + "/content", auth());
        assertThat(bytes.status()).isEqualTo(200);
        assertThat(bytes.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(bytes.body()).isEqualTo(content);

        Reply list = server.http.get("/v1/files?purpose=fine-tune&limit=1", auth());
        assertThat(PlainJson.parseObject(list.body(), "list")).containsEntry("object", "list").containsEntry("first_id", id)
                .containsEntry("last_id", id);

        Reply deleted = server.http.delete("/v1/files/" + id, auth());
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{\"id\":\"" + id + "\",\"object\":\"file\",\"deleted\":true}");
        Reply gone = server.http.get("/v1/files/" + id, auth());
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).isEqualTo(envelope("No such File object: " + id, "invalid_request_error", "file_id",
                "file_not_found"));
    }

    @Test
    void purposeAfterTheFileIsSpooledAndStillStored() {
        Reply created = upload(new Multipart().file("file", "late.jsonl", "abc").field("purpose", "user_data"));
        assertThat(created.status()).isEqualTo(200);
        Map<String, Object> file = PlainJson.parseObject(created.body(), "file");
        assertThat(file).containsEntry("purpose", "user_data").containsEntry("bytes", 3);
        assertThat(server.http.get("/v1/files/" + file.get("id") + "/content", auth()).body()).isEqualTo("abc");
        assertThat(dir.resolve("spool").toFile().list()).isEmpty();
    }

    @Test
    void uploadErrorsNameTheField() {
        Reply noPurpose = upload(new Multipart().file("file", "a.jsonl", "x"));
        assertThat(noPurpose.status()).isEqualTo(400);
        assertThat(noPurpose.body()).isEqualTo(envelope("Missing the 'purpose' field of the multipart form",
                "invalid_request_error", "purpose", "missing_required_parameter"));

        Reply noFile = upload(new Multipart().field("purpose", "fine-tune"));
        assertThat(noFile.status()).isEqualTo(400);
        assertThat(noFile.body()).isEqualTo(envelope("Missing the 'file' part of the multipart form",
                "invalid_request_error", "file", "missing_required_parameter"));

        Reply badPurpose = upload(new Multipart().field("purpose", "fun").file("file", "a.jsonl", "x"));
        assertThat(badPurpose.status()).isEqualTo(400);
        assertThat(badPurpose.body()).isEqualTo(envelope("Invalid 'purpose': 'fun' (expected one of fine-tune, "
                + "assistants, batch, user_data, evals, vision)", "invalid_request_error", "purpose", "invalid_value"));

        Reply json = server.http.postJson("/v1/files", "{}", auth());
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.body()).isEqualTo(envelope("Expected Content-Type multipart/form-data, got 'application/json'",
                "invalid_request_error", null, "unsupported_media_type"));
    }

    @Test
    void uploadsOverTheLimitAre413AndLeaveNothingBehind() {
        Reply tooBig = upload(new Multipart().field("purpose", "fine-tune")
                .file("file", "big.jsonl", "x".repeat(UPLOAD_LIMIT + 1)));
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.body()).isEqualTo(envelope("The uploaded file is larger than the limit of " + UPLOAD_LIMIT
                + " bytes", "invalid_request_error", null, "payload_too_large"));
        Reply spooled = upload(new Multipart().file("file", "big.jsonl", "x".repeat(UPLOAD_LIMIT + 1))
                .field("purpose", "fine-tune"));
        assertThat(spooled.status()).isEqualTo(413);
        assertThat(dir.resolve("spool").toFile().list()).isEmpty();
        Reply list = server.http.get("/v1/files", auth());
        assertThat(list.body()).doesNotContain("big.jsonl");
    }

    @Test
    void listQueryErrors() {
        Reply badLimit = server.http.get("/v1/files?limit=0", auth());
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.body()).isEqualTo(envelope("Invalid 'limit': expected an integer from 1 to 10000, got '0'",
                "invalid_request_error", "limit", "invalid_value"));
        Reply badOrder = server.http.get("/v1/files?order=up", auth());
        assertThat(badOrder.status()).isEqualTo(400);
        assertThat(badOrder.body()).isEqualTo(envelope("Invalid 'order': expected one of [asc, desc], got 'up'",
                "invalid_request_error", "order", "invalid_value"));
    }
}
