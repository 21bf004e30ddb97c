package com.mka1.server.http;

import static com.mka1.server.testing.HttpTestClient.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.server.Mka1Server;
import com.mka1.server.config.ConfigException;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.HttpTestClient.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP plumbing over real loopback HTTP, with a small router standing in for the API. */
class DispatcherOverHttpTest {
    private static final String ADMIN = "sk-admin-0123456789";
    private static final String USER = "sk-user-0123456789";
    private static final AtomicBoolean engineClosed = new AtomicBoolean();
    private static Mka1Server server;
    private static HttpTestClient http;

    @BeforeAll
    static void start() throws IOException {
        Router router = new Router()
                .post("/echo", Access.ANY_KEY, ex -> ex.sendJson(200, ex.jsonBody()))
                .get("/who", Access.ANY_KEY, ex -> ex.sendJson(200, ("{\"user\":\"" + ex.principal().onBehalfOf()
                        + "\",\"admin\":" + ex.principal().isAdmin() + "}").getBytes(StandardCharsets.UTF_8)))
                .get("/fine_tuning/jobs", Access.ADMIN_ONLY, ex -> ex.sendJson(200, "{}".getBytes()))
                .get("/boom", Access.ANY_KEY, ex -> {
                    throw new IllegalStateException("secret internal detail");
                })
                .get("/items/{id}", Access.ANY_KEY, ex -> ex.sendJson(200,
                        ("{\"id\":\"" + ex.pathParam("id") + "\",\"limit\":" + ex.query().intInRange("limit", 20, 1, 100)
                                + "}").getBytes(StandardCharsets.UTF_8)))
                .post("/upload", Access.ANY_KEY, ex -> {
                    MultipartReader reader = ex.multipartBody();
                    long total = 0;
                    for (MultipartPart part = reader.next(); part != null; part = reader.next()) {
                        total += part.body().transferTo(java.io.OutputStream.nullOutputStream());
                    }
                    ex.sendJson(200, ("{\"bytes\":" + total + "}").getBytes(StandardCharsets.UTF_8));
                })
                .get("/stream", Access.ANY_KEY, ex -> {
                    try (SseStream sse = ex.startSse()) {
                        sse.event("response.created", "{\"type\":\"response.created\",\"sequence_number\":0}");
                        sse.event("multi", "line1\nline2");
                        sse.data("[DONE]");
                    }
                });
        server = Mka1Server.start("127.0.0.1", 0, ApiKeys.parseList(ADMIN + ":admin," + USER + ":user", "test"),
                router, failure -> ApiError.internal(), new HttpLimits(64, 1 << 20), () -> engineClosed.set(true), 1);
        http = new HttpTestClient(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
        assertThat(engineClosed).isTrue();
    }

    private static String bearer(String key) {
        return "Bearer " + key;
    }

    @Test
    void bothMountsServeTheSameRoutes() {
        for (String mount : new String[] {"/v1", "/api/v1/llm"}) {
            Reply reply = http.postJson(mount + "/echo", "{\"a\":1}", "Authorization", bearer(USER));
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("{\"a\":1}");
            assertThat(reply.header("Content-Type")).isEqualTo("application/json");
        }
    }

    @Test
    void missingMalformedOrUnknownKeysAre401() {
        Reply missing = http.get("/v1/who");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo(envelope("Missing API key: send it as 'Authorization: Bearer <key>'",
                "authentication_error", null, "invalid_api_key"));
        Reply malformed = http.get("/v1/who", "Authorization", "Basic abc");
        assertThat(malformed.status()).isEqualTo(401);
        assertThat(malformed.body()).isEqualTo(envelope("Malformed Authorization header: expected 'Bearer <key>'",
                "authentication_error", null, "invalid_api_key"));
        Reply unknown = http.get("/v1/who", "Authorization", bearer("sk-wrong-key-123"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body()).isEqualTo(envelope("Incorrect API key provided: sk-w***23",
                "authentication_error", null, "invalid_api_key"));
    }

    @Test
    void adminOnlyRoutesAre403ForUserKeys() {
        Reply user = http.get("/v1/fine_tuning/jobs", "Authorization", bearer(USER));
        assertThat(user.status()).isEqualTo(403);
        assertThat(user.body()).isEqualTo(envelope("This endpoint needs an API key with the admin role",
                "permission_error", null, "insufficient_permissions"));
        assertThat(http.get("/v1/fine_tuning/jobs", "Authorization", bearer(ADMIN)).status()).isEqualTo(200);
    }

    @Test
    void onBehalfOfReachesTheHandler() {
        Reply reply = http.get("/v1/who", "Authorization", bearer(ADMIN), "X-On-Behalf-Of", "user-42");
        assertThat(reply.body()).isEqualTo("{\"user\":\"user-42\",\"admin\":true}");
        Reply tooLong = http.get("/v1/who", "Authorization", bearer(ADMIN), "X-On-Behalf-Of", "u".repeat(300));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).isEqualTo(envelope("X-On-Behalf-Of must be 1 to 256 printable characters",
                "invalid_request_error", "X-On-Behalf-Of", "invalid_header"));
        // The key is checked first: a bad header from an unauthenticated caller is still a 401.
        assertThat(http.get("/v1/who", "X-On-Behalf-Of", "u".repeat(300)).status()).isEqualTo(401);
    }

    @Test
    void unknownPathsAre404AndWrongMethodsAre405() {
        Reply unknown = http.get("/v1/nope", "Authorization", bearer(USER));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo(envelope("Unknown path: /v1/nope", "invalid_request_error", null, "not_found"));
        Reply outside = http.get("/elsewhere");
        assertThat(outside.status()).isEqualTo(404);
        assertThat(outside.body()).isEqualTo(envelope("Unknown path: /elsewhere", "invalid_request_error", null, "not_found"));
        assertThat(http.get("/v1nope", "Authorization", bearer(USER)).status()).isEqualTo(404);
        Reply wrong = http.delete("/v1/echo", "Authorization", bearer(USER));
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.header("Allow")).isEqualTo("POST");
        assertThat(wrong.body()).isEqualTo(envelope("Method DELETE is not allowed on /v1/echo",
                "invalid_request_error", null, "method_not_allowed"));
    }

    @Test
    void pathAndQueryParametersAndTheirErrors() {
        assertThat(http.get("/v1/items/ab%3Acd?limit=5", "Authorization", bearer(USER)).body())
                .isEqualTo("{\"id\":\"ab:cd\",\"limit\":5}");
        Reply bad = http.get("/v1/items/x?limit=1000", "Authorization", bearer(USER));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo(envelope("Invalid 'limit': expected an integer from 1 to 100, got '1000'",
                "invalid_request_error", "limit", "invalid_value"));
    }

    @Test
    void jsonBodiesNeedTheRightTypeAndSize() {
        Reply wrongType = http.post("/v1/echo", "text/plain", "{}".getBytes(), "Authorization", bearer(USER));
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.body()).isEqualTo(envelope("Expected Content-Type application/json, got 'text/plain'",
                "invalid_request_error", null, "unsupported_media_type"));
        Reply charset = http.post("/v1/echo", "application/json; charset=utf-8", "{}".getBytes(),
                "Authorization", bearer(USER));
        assertThat(charset.status()).isEqualTo(200);
        Reply tooLarge = http.postJson("/v1/echo", "{\"a\":\"" + "x".repeat(100) + "\"}", "Authorization", bearer(USER));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body()).isEqualTo(envelope("The JSON body is larger than the limit of 64 bytes",
                "invalid_request_error", null, "payload_too_large"));
    }

    @Test
    void unexpectedFailuresAreAGeneric500WithoutDetails() {
        Reply reply = http.get("/v1/boom", "Authorization", bearer(USER));
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.body()).isEqualTo(envelope("The server had an error while processing your request.",
                "server_error", null, null));
    }

    @Test
    void multipartUploadsStreamAndNeedMultipartType() {
        String boundary = "b0undary";
        byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\n"
                + "x".repeat(5000) + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        Reply ok = http.post("/v1/upload", "multipart/form-data; boundary=" + boundary, body,
                "Authorization", bearer(USER));
        assertThat(ok.body()).isEqualTo("{\"bytes\":5000}");
        Reply wrong = http.post("/v1/upload", "application/json", "{}".getBytes(), "Authorization", bearer(USER));
        assertThat(wrong.status()).isEqualTo(415);
    }

    @Test
    void sseFramesAreWrittenAsTheSpecShows() {
        Reply reply = http.get("/v1/stream", "Authorization", bearer(USER));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(reply.body()).isEqualTo("""
                event: response.created
                data: {"type":"response.created","sequence_number":0}

                event: multi
                data: line1
                data: line2

                data: [DONE]

                """);
    }

    @Test
    void healthAnswersAtTheRootWithoutAKey() {
        Reply health = http.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void refusesANonLoopbackAddressWithoutKeys() {
        assertThatThrownBy(() -> Mka1Server.start("0.0.0.0", 0, ApiKeys.none(), new Router(), f -> ApiError.internal(),
                new HttpLimits(64, 64), () -> {}, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("refusing to listen on 0.0.0.0 without API keys: set MKA1_API_KEYS (e.g. \"sk-a:admin,"
                        + "sk-b:user\") or --api-keys-file, or bind to 127.0.0.1");
    }
}
