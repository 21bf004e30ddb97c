package com.mka1.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mka1.server.cli.PlainJson;
import com.mka1.server.testing.ScriptedTrainer;
import com.mka1.server.testing.TestServer;
import com.mka1.server.testing.ToolsModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's official Node SDK ({@code openai} on npm, pinned) runs a function-call round trip and a
 * json_schema request against the server. The package is installed once into
 * {@code target/node-sdk}; where node or the npm registry is not reachable the test is skipped
 * with a message saying so.
 */
class NodeSdkTest {
    private static final String PACKAGE = "openai@7.60.0";
    private static final Path INSTALL = Path.of("target/node-sdk");

    @TempDir
    Path dir;

    private static Process run(List<String> command, Path workDir, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String output(Process p, long seconds) throws IOException, InterruptedException {
        try (InputStream in = p.getInputStream()) {
            boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Installs the SDK once; false (with the reason printed) when node or the registry is missing. */
    private static String install() throws IOException, InterruptedException {
        if (Files.isDirectory(INSTALL.resolve("node_modules/openai"))) {
            return null;
        }
        try {
            Process node = run(List.of("node", "--version"), Path.of("."), Map.of());
            if (node.waitFor(20, TimeUnit.SECONDS) && node.exitValue() != 0) return "node does not run";
        } catch (IOException e) {
            return "node is not installed (" + e.getMessage() + ")";
        }
        Files.createDirectories(INSTALL);
        Process npm = run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", INSTALL.toAbsolutePath().toString(),
                PACKAGE), INSTALL, Map.of());
        String log = output(npm, 120);
        if (npm.isAlive() || npm.exitValue() != 0) {
            return "npm could not install " + PACKAGE + " (registry unreachable?): " + log.strip();
        }
        return null;
    }

    @Test
    void functionCallRoundTripAndJsonSchemaThroughTheNodeSdk() throws Exception {
        String missing = install();
        assumeTrue(missing == null, () -> "skipped: " + missing);
        Path script = INSTALL.resolve("sdk-tools.mjs");
        try (InputStream in = NodeSdkTest.class.getResourceAsStream("/node/sdk-tools.mjs")) {
            Files.write(script, in.readAllBytes());
        }
        try (TestServer server = TestServer.start(dir, new ScriptedTrainer(1, 0, 1))) {
            ToolsModel.install(dir.resolve("models"));
            Process node = run(List.of("node", script.getFileName().toString()), INSTALL, Map.of(
                    "MKA1_BASE_URL", server.root() + "/v1", "MKA1_API_KEY", TestServer.USER_KEY,
                    "MKA1_TOOLS_MODEL", ToolsModel.ID));
            String out = output(node, 120);
            assertThat(node.exitValue()).as(out).isZero();
            Map<String, Object> seen = PlainJson.parseObject(out.strip(), "node output");
            assertThat(seen.get("callType")).isEqualTo("function_call");
            assertThat(seen.get("name")).isEqualTo("get_order");
            assertThat((String) seen.get("callId")).matches("call_[0-9a-f]{32}");
            @SuppressWarnings("unchecked")
            Map<String, Object> arguments = (Map<String, Object>) seen.get("arguments");
            assertThat(arguments).containsOnlyKeys("order_id");
            assertThat(seen.get("answerType")).isEqualTo("message");
            @SuppressWarnings("unchecked")
            Map<String, Object> city = (Map<String, Object>) seen.get("city");
            assertThat(city).containsOnlyKeys("city");
        }
    }
}
