package com.mka1.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.mka1.server.testing.HttpTestClient.Reply;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dashboard's static files as a real server sends them: types, caching, CSP, and what it refuses. */
class DashboardHandlerTest {
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, new ScriptedTrainer(2, 1, 10));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void indexPageIsHtmlWithSelfOnlyCspAndRevalidatedCaching() throws IOException {
        Reply reply = server.http.get("/dashboard/");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(reply.header("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(reply.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(reply.header("ETag")).matches("\"[0-9a-f]{32}\"");
        try (InputStream index = DashboardHandler.class.getResourceAsStream("site/index.html")) {
            assertThat(reply.body()).isEqualTo(new String(index.readAllBytes(), StandardCharsets.UTF_8));
        }
        // Nothing inline that the policy would block, nothing from another origin.
        assertThat(reply.body()).contains("<script type=\"module\" src=\"js/app.js\"></script>")
                .doesNotContain("<style", "style=", "onclick=", "http://", "https://");
    }

    @Test
    void eachKindOfFileGetsItsMediaType() {
        assertThat(server.http.get("/dashboard/js/app.js").header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(server.http.get("/dashboard/css/dashboard.css").header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(server.http.get("/dashboard/icon.svg").header("Content-Type")).isEqualTo("image/svg+xml");
        Reply chartLibrary = server.http.get("/dashboard/vendor/uplot/uPlot.esm.js");
        assertThat(chartLibrary.status()).isEqualTo(200);
        assertThat(chartLibrary.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(chartLibrary.body()).contains("export { uPlot as default };");
        assertThat(server.http.get("/dashboard/vendor/uplot/uPlot.min.css").header("Content-Type"))
                .isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void anUnchangedFileIsA304() {
        String etag = server.http.get("/dashboard/js/api.js").header("ETag");
        Reply again = server.http.get("/dashboard/js/api.js", "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(server.http.get("/dashboard/js/api.js", "If-None-Match", "\"other\"").status()).isEqualTo(200);
    }

    @Test
    void theBarePathRedirectsToTheFolderSoRelativeLinksWork() {
        Reply reply = server.http.get("/dashboard");
        assertThat(reply.status()).isEqualTo(301);
        assertThat(reply.header("Location")).isEqualTo("/dashboard/");
    }

    @Test
    void onlyGetAndHeadAreAllowed() {
        Reply post = server.http.post("/dashboard/index.html", "text/plain", new byte[0]);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(post.body()).contains("\"type\":\"invalid_request_error\"");
        Reply head = server.http.send(server.http.request("/dashboard/js/app.js")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/dashboard/../dashboard/index.html",
        "/dashboard/js/../../com/mka1/server/Mka1Server.class",
        "/dashboard/..%2fDashboardHandler.class",
        "/dashboard/%2e%2e/DashboardHandler.class",
        "/dashboard/%2E%2E%2F%2E%2E%2Fcli/demo/stories.jsonl",
        "/dashboard/js//app.js",
        "/dashboard/.%2e/site/index.html",
        "/dashboard/..%5CDashboardHandler.class",
        "/dashboard/js/.hidden.js",
        "/dashboard/js",
        "/dashboard/vendor/uplot/LICENSE",
        "/dashboard/missing.html",
        "/dashboardx/index.html",
    })
    void pathsOutsideTheSiteOrWithoutAKnownTypeAre404(String rawPath) throws IOException {
        String response = rawGet(rawPath);
        assertThat(response).startsWith("HTTP/1.1 404");
        assertThat(response).contains("\"error\":{\"message\":\"Unknown path: ");
        assertThat(response).doesNotContain("\u00ca\u00fe\u00ba\u00be"); // no class file's 0xCAFEBABE
    }

    @Test
    void theApiAndHealthStillAnswerBesideTheDashboard() {
        assertThat(server.http.get("/health").body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(server.http.get("/v1/models").status()).isEqualTo(401);
    }

    /** Sends the path byte for byte (an HTTP client would normalise dot segments). */
    private static String rawGet(String rawPath) throws IOException {
        try (Socket socket = new Socket(server.root().getHost(), server.root().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + rawPath + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
