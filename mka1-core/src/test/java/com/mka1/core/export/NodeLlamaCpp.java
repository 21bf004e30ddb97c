package com.mka1.core.export;

import com.mka1.api.JsonValue;
import com.mka1.core.adapter.PeftFixture;
import com.mka1.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * llama.cpp itself, through the {@code node-llama-cpp} npm package (which ships prebuilt
 * llama.cpp binaries and runs offline on a local file): installed once with npm into
 * {@code ~/.cache/mka1/node-llama-cpp-VERSION} (or {@code -Dmka1.node-llama-cpp.dir}). Tests that
 * use it are skipped, saying why, only where node/npm are missing or npm cannot reach its registry.
 */
final class NodeLlamaCpp {
    static final String VERSION = "3.21.1";

    /** llama.cpp's greedy ids per prompt, its tokenization of each text, and the chat template it read (or null). */
    record Result(List<int[]> greedy, List<int[]> tokens, String chatTemplate) {}

    private final Path dir;

    private NodeLlamaCpp(Path dir) {
        this.dir = dir;
    }

    /** The installed package, installing it first if needed; aborts the test when npm cannot. */
    static NodeLlamaCpp install() throws IOException, InterruptedException {
        String prop = System.getProperty("mka1.node-llama-cpp.dir");
        Path dir = prop != null ? Path.of(prop) : Path.of(System.getProperty("user.home"), ".cache", "mka1", "node-llama-cpp-" + VERSION);
        Files.createDirectories(dir);
        if (!Files.isDirectory(dir.resolve("node_modules/node-llama-cpp"))) {
            Files.writeString(dir.resolve("package.json"), "{\"name\":\"mka1-llamacpp-check\",\"private\":true,\"type\":\"module\"}\n");
            Run npm = run(dir, 600, "npm", "install", "--no-audit", "--no-fund", "node-llama-cpp@" + VERSION);
            Assumptions.assumeTrue(npm.code == 0, () -> "skipped: npm could not install node-llama-cpp@" + VERSION
                    + " (is the npm registry reachable?): " + npm.output);
        }
        try (InputStream script = NodeLlamaCpp.class.getResourceAsStream("/llamacpp/greedy.mjs")) {
            Files.write(dir.resolve("greedy.mjs"), script.readAllBytes());
        }
        return new NodeLlamaCpp(dir);
    }

    Result run(Path gguf, Path lora, List<int[]> prompts, int steps, List<String> texts) throws IOException, InterruptedException {
        Map<String, JsonValue> request = new LinkedHashMap<>();
        request.put("model", new JsonValue.Str(gguf.toAbsolutePath().toString()));
        request.put("lora", JsonValue.of(lora == null ? null : lora.toAbsolutePath().toString()));
        request.put("prompts", new JsonValue.Arr(prompts.stream().<JsonValue>map(NodeLlamaCpp::numbers).toList()));
        request.put("steps", JsonValue.Num.of(steps));
        request.put("texts", new JsonValue.Arr(texts.stream().<JsonValue>map(JsonValue.Str::new).toList()));
        Path file = Files.createTempFile(dir, "request", ".json");
        Files.writeString(file, Json.write(Json.VALUE, new JsonValue.Obj(request)));
        Run node = run(dir, 300, "node", "greedy.mjs", file.toString());
        Files.deleteIfExists(file);
        if (node.code != 0) throw new IllegalStateException("node-llama-cpp failed (exit " + node.code + "): " + node.output);
        String out = node.output.substring(node.output.indexOf("{\"greedy\""));
        JsonValue.Obj json = Json.parseObject(out.getBytes(StandardCharsets.UTF_8), "node-llama-cpp output");
        return new Result(ids(json.get("greedy")), ids(json.get("tokens")),
                Json.field(json, "chatTemplate") instanceof JsonValue.Str(String template) ? template : null);
    }

    private static JsonValue numbers(int[] ids) {
        List<JsonValue> out = new ArrayList<>();
        for (int id : ids) out.add(JsonValue.Num.of(id));
        return new JsonValue.Arr(out);
    }

    private static List<int[]> ids(JsonValue lists) {
        return ((JsonValue.Arr) lists).items().stream().map(PeftFixture::ints).toList();
    }

    private record Run(int code, String output) {}

    private static Run run(Path dir, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("skipped: cannot run " + command[0] + " (" + e.getMessage() + "); node and npm are needed for the llama.cpp check");
            throw e;
        }
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        return new Run(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
