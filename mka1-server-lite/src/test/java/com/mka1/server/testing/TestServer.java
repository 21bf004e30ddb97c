package com.mka1.server.testing;

import com.mka1.core.EmbeddedMka1;
import com.mka1.core.train.Trainer;
import com.mka1.server.Mka1Server;
import com.mka1.server.api.ApiErrors;
import com.mka1.server.api.ApiRoutes;
import com.mka1.server.http.ApiKeys;
import com.mka1.server.cli.Cli;
import com.mka1.server.cli.CommandRegistry;
import com.mka1.server.http.HttpLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real server on an ephemeral loopback port over a real {@link EmbeddedMka1} in a temporary
 * data directory, with one base model ({@value #BASE_MODEL}), an admin and a user key, and a
 * way to run the CLI in process against it.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_KEY = "sk-test-admin-000001";
    public static final String USER_KEY = "sk-test-user-000001";
    public static final String BASE_MODEL = "test:base";

    private final Path dataDir;
    private final EmbeddedMka1 engine;
    private final Mka1Server server;
    public final HttpTestClient http;

    private TestServer(Path dataDir, EmbeddedMka1 engine, Mka1Server server) {
        this.dataDir = dataDir;
        this.engine = engine;
        this.server = server;
        this.http = new HttpTestClient(server.baseUri());
    }

    /** Request headers that authenticate with {@code apiKey}, followed by {@code more} name/value pairs. */
    public static String[] bearer(String apiKey, String... more) {
        String[] headers = new String[2 + more.length];
        headers[0] = "Authorization";
        headers[1] = "Bearer " + apiKey;
        System.arraycopy(more, 0, headers, 2, more.length);
        return headers;
    }

    public static TestServer start(Path dataDir, Trainer trainer) {
        return start(dataDir, trainer, new HttpLimits(1 << 20, 1 << 20));
    }

    public static TestServer start(Path dataDir, Trainer trainer, HttpLimits limits) {
        try {
            Path modelsDir = dataDir.resolve("models");
            Files.createDirectories(modelsDir.resolve("test/base"));
            Files.writeString(modelsDir.resolve("test/base/config.json"),
                    "{\"architectures\":[\"LlamaForCausalLM\"],\"max_position_embeddings\":4096}");
            EmbeddedMka1 engine = EmbeddedMka1.builder().dataDir(dataDir).modelsDir(modelsDir).trainer(trainer)
                    .maxUploadBytes(limits.maxUploadBytes()).build();
            Mka1Server server = Mka1Server.start("127.0.0.1", 0,
                    ApiKeys.parseList(ADMIN_KEY + ":admin," + USER_KEY + ":user", "test"),
                    ApiRoutes.build(engine, dataDir.resolve("spool")), new ApiErrors(), limits, engine, engine::writable, 5);
            return new TestServer(dataDir, engine, server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI root() {
        return server.baseUri();
    }

    public Path dataDir() {
        return dataDir;
    }

    public EmbeddedMka1 engine() {
        return engine;
    }

    /** The outcome of one in-process CLI run. */
    public record CliRun(int exitCode, String out, String err) {}

    /** Runs {@code mka1 args...} with MKA1_SERVER_URL pointing here and the admin key. */
    public CliRun cli(String... args) {
        return cli(Map.of("MKA1_API_KEY", ADMIN_KEY), args);
    }

    public CliRun cli(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("MKA1_SERVER_URL", root().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(CommandRegistry.standard(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env).run(args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
