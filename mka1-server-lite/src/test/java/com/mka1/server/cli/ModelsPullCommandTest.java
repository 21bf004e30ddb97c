package com.mka1.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mka1 models pull} against a loopback hub that serves two files in the Hugging Face layout. */
class ModelsPullCommandTest {
    private HttpServer hub;

    @TempDir
    Path models;

    @BeforeEach
    void startHub() throws IOException {
        byte[] config = "{\"model_type\":\"llama\"}".getBytes(StandardCharsets.UTF_8);
        byte[] weights = new byte[4096];
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hub.createContext("/api/models/acme/mini", ex -> reply(ex, ("{\"siblings\":[{\"rfilename\":\"config.json\",\"size\":"
                + config.length + "},{\"rfilename\":\"model.safetensors\",\"size\":4096}]}").getBytes(StandardCharsets.UTF_8)));
        hub.createContext("/acme/mini/resolve/main/config.json", ex -> reply(ex, config));
        hub.createContext("/acme/mini/resolve/main/model.safetensors", ex -> reply(ex, weights));
        hub.start();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, byte[] body) throws IOException {
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @AfterEach
    void stopHub() {
        hub.stop(0);
    }

    @Test
    void pullsIntoOwnerNameWithAProgressBar() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String hubUrl = "http://127.0.0.1:" + hub.getAddress().getPort();
        int code = new Cli(CommandRegistry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of())
                .run("models", "pull", "acme/mini", "--hub", hubUrl, "--models-dir", models.toString());
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path dir = models.resolve("acme").resolve("mini");
        assertThat(Files.readString(dir.resolve("config.json"))).isEqualTo("{\"model_type\":\"llama\"}");
        assertThat(Files.size(dir.resolve("model.safetensors"))).isEqualTo(4096);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("model acme:mini is ready in " + dir + "\n");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("pulling acme/mini from " + hubUrl + "\n")
                .contains("\r[##############################] 100%  0.0/0.0 MiB  config.json\n")
                .contains("\r[##############################] 100%  0.0/0.0 MiB  model.safetensors\n");
    }

    @Test
    void rendersTheBar() {
        assertThat(ProgressBar.render("model.safetensors", 3L << 20, 12L << 20))
                .isEqualTo("[########......................]  25%  3.0/12.0 MiB  model.safetensors");
        assertThat(ProgressBar.render("x", 5L << 20, -1)).isEqualTo("[..............................]   0%  5.0 MiB  x");
    }
}
