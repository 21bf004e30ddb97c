package com.mka1.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.server.Mka1Server;
import com.mka1.server.testing.HttpTestClient;
import com.mka1.server.testing.ScriptedTrainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    private static CommandContext context(Map<String, String> env, String... args) {
        return new CommandContext(Options.parse(List.of(args)), System.out, System.err, env);
    }

    @Test
    void startsOnTheGivenDirectoriesWithKeysFromTheEnvironment(@TempDir Path dir) throws Exception {
        ServeCommand serve = new ServeCommand(() -> new ScriptedTrainer(2, 1, 10));
        try (Mka1Server server = serve.start(context(Map.of("MKA1_API_KEYS", "sk-a:admin,sk-b:user"),
                "--host", "127.0.0.1", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--models-dir", dir.resolve("models").toString()))) {
            HttpTestClient http = new HttpTestClient(server.baseUri());
            assertThat(http.get("/health").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(http.get("/v1/whoami", "Authorization", "Bearer sk-b").body()).isEqualTo(
                    "{\"object\":\"whoami\",\"role\":\"user\",\"key\":\"" + com.mka1.server.http.ApiKeys.fingerprint("sk-b")
                            + "\",\"on_behalf_of\":null,\"fine_tuning_allowed\":false}");
            assertThat(http.get("/v1/files", "Authorization", "Bearer sk-x").status()).isEqualTo(401);
        }
        assertThat(Files.isDirectory(dir.resolve("data/files"))).isTrue();
    }

    @Test
    void refusesAPublicAddressWithoutKeysBeforeOpeningAnything(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(CommandRegistry.standard(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of()).run("serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", dir.resolve("d").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("mka1 serve: refusing to listen on 0.0.0.0 without"
                + " API keys: set MKA1_API_KEYS (e.g. \"sk-a:admin,sk-b:user\") or --api-keys-file, or bind to 127.0.0.1\n");
        assertThat(Files.exists(dir.resolve("d"))).isFalse();
    }

    @Test
    void anUnknownBackendIsRefusedWithTheInstalledOnes(@TempDir Path dir) {
        ServeCommand serve = new ServeCommand(() -> new ScriptedTrainer(2, 1, 10));
        assertThatThrownBy(() -> serve.start(context(Map.of(), "--port", "0", "--backend", "abacus",
                "--data-dir", dir.toString())))
                .isInstanceOf(CliException.class).hasMessageStartingWith("unknown compute backend 'abacus'; installed: ");
    }

    @Test
    void anUnreachableDatabaseOrBucketStopsTheStartNamingItsFlag(@TempDir Path dir) {
        ServeCommand serve = new ServeCommand(() -> new ScriptedTrainer(2, 1, 10));
        assertThatThrownBy(() -> serve.start(context(Map.of(), "--port", "0", "--data-dir", dir.toString(),
                "--database", "postgresql://mka1@127.0.0.1:1/mka1")))
                .isInstanceOf(CliException.class).hasMessageStartingWith("--database the job database is unreachable: ");
        assertThatThrownBy(() -> serve.start(context(Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1", "AWS_ACCESS_KEY_ID", "k",
                "AWS_SECRET_ACCESS_KEY", "s"), "--port", "0", "--data-dir", dir.toString(), "--blobs", "s3://mka1/p")))
                .isInstanceOf(CliException.class).hasMessageStartingWith("--blobs blob store s3://mka1/p/: ");
    }
}
