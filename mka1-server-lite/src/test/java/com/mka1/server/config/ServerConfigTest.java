package com.mka1.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mka1.server.http.Role;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void defaultsWhenNothingIsSet() {
        ServerConfig config = ServerConfig.resolve(Map.of(), Map.of());
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("work-data").toAbsolutePath());
        assertThat(config.modelsDir()).isEqualTo(Path.of("work-data", "models").toAbsolutePath());
        assertThat(config.apiKeys().isEmpty()).isTrue();
        assertThat(config.backend()).isNull();
        assertThat(config.concurrentJobs()).isEqualTo(1);
        assertThat(config.limits().maxJsonBodyBytes()).isEqualTo(8L << 20);
        assertThat(config.limits().maxUploadBytes()).isEqualTo(1L << 30);
        assertThat(config.modelCacheBytes()).isEqualTo(2L << 30);
    }

    @Test
    void scaleOutSettingsComeFromFlagsThenTheEnvironment() throws Exception {
        ServerConfig.Scale defaults = ServerConfig.resolve(Map.of(), Map.of()).scale();
        assertThat(defaults).isEqualTo(new ServerConfig.Scale(null, null,
                java.net.InetAddress.getLocalHost().getHostName(), 30));
        ServerConfig.Scale set = ServerConfig.resolve(Map.of("database", "postgresql://mka1@db:5432/mka1", "worker-id", "node-2"),
                Map.of("MKA1_DATABASE_URL", "postgresql://other@x/y", "MKA1_BLOBS", "s3://bucket/team",
                        "MKA1_WORKER_ID", "env-node", "MKA1_LEASE_SECONDS", "12")).scale();
        assertThat(set).isEqualTo(new ServerConfig.Scale("postgresql://mka1@db:5432/mka1", "s3://bucket/team", "node-2", 12));
        assertThat(ServerConfig.FLAGS).contains("database", "blobs", "worker-id", "lease-seconds");
        assertThatThrownBy(() -> ServerConfig.resolve(Map.of("lease-seconds", "1"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--lease-seconds");
    }

    @Test
    void recomputeActivationsIsOffUnlessAFlagOrTheEnvironmentSaysTrue() {
        assertThat(ServerConfig.resolve(Map.of(), Map.of()).recomputeActivations()).isFalse();
        assertThat(ServerConfig.resolve(Map.of("recompute-activations", "true"), Map.of()).recomputeActivations()).isTrue();
        assertThat(ServerConfig.resolve(Map.of("recompute-activations", "false"),
                Map.of("MKA1_RECOMPUTE_ACTIVATIONS", "true")).recomputeActivations()).isFalse();
        assertThat(ServerConfig.resolve(Map.of(), Map.of("MKA1_RECOMPUTE_ACTIVATIONS", "yes")).recomputeActivations()).isTrue();
        assertThatThrownBy(() -> ServerConfig.resolve(Map.of(), Map.of("MKA1_RECOMPUTE_ACTIVATIONS", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("MKA1_RECOMPUTE_ACTIVATIONS must be true or false, got 'maybe'");
    }

    @Test
    void modelCacheBytesTakesPlainBytesOrABinarySuffix() {
        assertThat(ServerConfig.resolve(Map.of("model-cache-bytes", "512m"), Map.of()).modelCacheBytes()).isEqualTo(512L << 20);
        assertThat(ServerConfig.resolve(Map.of(), Map.of("MKA1_MODEL_CACHE_BYTES", "2g")).modelCacheBytes()).isEqualTo(2L << 30);
        assertThat(ServerConfig.resolve(Map.of(), Map.of("MKA1_MODEL_CACHE_BYTES", "3G")).modelCacheBytes()).isEqualTo(3L << 30);
        assertThat(ServerConfig.resolve(Map.of(), Map.of("MKA1_MODEL_CACHE_BYTES", "64k")).modelCacheBytes()).isEqualTo(65_536);
        assertThat(ServerConfig.resolve(Map.of(), Map.of("MKA1_MODEL_CACHE_BYTES", "1t")).modelCacheBytes()).isEqualTo(1L << 40);
        assertThat(ServerConfig.resolve(Map.of("model-cache-bytes", "1000"), Map.of("MKA1_MODEL_CACHE_BYTES", "2g"))
                .modelCacheBytes()).isEqualTo(1000);
        assertThat(ServerConfig.FLAGS).contains("model-cache-bytes");
    }

    @Test
    void badModelCacheSizesNameTheirSource() {
        for (String bad : new String[] {"0", "-1g", "2x", "g", "9999999999t"}) {
            assertThatThrownBy(() -> ServerConfig.resolve(Map.of("model-cache-bytes", bad), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("--model-cache-bytes must be a positive byte count such as 536870912, 512m or 2g, got '" + bad + "'");
        }
        assertThatThrownBy(() -> ServerConfig.resolve(Map.of(), Map.of("MKA1_MODEL_CACHE_BYTES", "lots")))
                .hasMessage("MKA1_MODEL_CACHE_BYTES must be a positive byte count such as 536870912, 512m or 2g, got 'lots'");
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        ServerConfig config = ServerConfig.resolve(
                Map.of("port", "9001", "data-dir", "/tmp/d"),
                Map.of("MKA1_PORT", "7000", "MKA1_HOST", "0.0.0.0", "MKA1_API_KEYS", "sk-a:admin,sk-b:user",
                        "MKA1_BACKEND", "cpu", "MKA1_CONCURRENT_JOBS", "3"));
        assertThat(config.port()).isEqualTo(9001);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/d"));
        assertThat(config.modelsDir()).isEqualTo(Path.of("/tmp/d/models"));
        assertThat(config.apiKeys().roleOf("sk-b")).contains(Role.USER);
        assertThat(config.backend()).isEqualTo("cpu");
        assertThat(config.concurrentJobs()).isEqualTo(3);
    }

    @Test
    void badNumbersNameTheirSource() {
        assertThatThrownBy(() -> ServerConfig.resolve(Map.of("port", "http"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--port must be an integer from 0 to 65535, got 'http'");
        assertThatThrownBy(() -> ServerConfig.resolve(Map.of(), Map.of("MKA1_CONCURRENT_JOBS", "0")))
                .hasMessage("MKA1_CONCURRENT_JOBS must be an integer from 1 to 64, got '0'");
        assertThatThrownBy(() -> ServerConfig.resolve(Map.of("api-keys-file", "/nonexistent/keys"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read the API keys file /nonexistent/keys");
    }
}
