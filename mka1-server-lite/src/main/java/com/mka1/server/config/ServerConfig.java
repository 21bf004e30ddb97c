package com.mka1.server.config;

import com.mka1.server.http.ApiKeys;
import com.mka1.server.http.ConnectionLimits;
import com.mka1.server.http.HttpLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code mka1 serve} needs. Each setting comes from its flag, else its environment
 * variable, else the default:
 * <pre>
 * --host            MKA1_HOST             127.0.0.1
 * --port            MKA1_PORT             8080
 * --data-dir        MKA1_DATA_DIR         ./work-data
 * --models-dir      MKA1_MODELS_DIR       &lt;data-dir&gt;/models
 * --api-keys-file   MKA1_API_KEYS_FILE    (none; MKA1_API_KEYS="sk-a:admin,sk-b:user" lists keys inline)
 * --backend         MKA1_BACKEND          (best available)
 * --concurrent-jobs MKA1_CONCURRENT_JOBS  1
 * --max-body-bytes  MKA1_MAX_BODY_BYTES   8 MiB (JSON bodies)
 * --max-upload-bytes MKA1_MAX_UPLOAD_BYTES 1 GiB (file uploads, streamed to disk)
 * --shutdown-grace-seconds MKA1_SHUTDOWN_GRACE_SECONDS 10
 * --model-cache-bytes MKA1_MODEL_CACHE_BYTES 2g (loaded models kept for inference; k, m, g, t suffixes)
 * --request-timeout-seconds MKA1_REQUEST_TIMEOUT_SECONDS 300 (headers and body of one request)
 * --idle-timeout-seconds MKA1_IDLE_TIMEOUT_SECONDS 30 (an idle keep-alive connection)
 * --max-connections MKA1_MAX_CONNECTIONS 1000 (open at once)
 * --response-retention-days MKA1_RESPONSE_RETENTION_DAYS 30 (stored responses older than this are removed)
 * --recompute-activations MKA1_RECOMPUTE_ACTIVATIONS false (activation checkpointing: less memory, more compute)
 * --database        MKA1_DATABASE_URL     (none: jobs in the data directory; postgresql://USER@HOST:PORT/DB shares them)
 * --blobs           MKA1_BLOBS            (none: files in the data directory; s3://BUCKET/PREFIX shares them)
 * --worker-id       MKA1_WORKER_ID        the host name (this server's name in job leases)
 * --lease-seconds   MKA1_LEASE_SECONDS    30 (a dead server's job is taken over after this long)
 * </pre>
 */
public record ServerConfig(String host, int port, Path dataDir, Path modelsDir, ApiKeys apiKeys, String backend,
                           int concurrentJobs, HttpLimits limits, int shutdownGraceSeconds, long modelCacheBytes,
                           ConnectionLimits connections, int responseRetentionDays, boolean recomputeActivations,
                           Scale scale) {
    /**
     * Where job state and files are shared with other servers (docs/scale-out.md).
     *
     * @param database     {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB}, or null (the data directory)
     * @param blobs        {@code s3://BUCKET/PREFIX}, or null (the data directory)
     * @param workerId     this server's name in job leases
     * @param leaseSeconds how long a claimed job is held without a heartbeat
     */
    public record Scale(String database, String blobs, String workerId, int leaseSeconds) {}

    /** What {@code mka1 serve --help} shows under its flags: each one's variable and default. */
    public static final String HELP = """
            Each setting comes from its flag, else its environment variable, else the default:
              --host                    MKA1_HOST                    127.0.0.1
              --port                    MKA1_PORT                    8080
              --data-dir                MKA1_DATA_DIR                ./work-data
              --models-dir              MKA1_MODELS_DIR              <data-dir>/models
              --api-keys-file           MKA1_API_KEYS_FILE           none: keys from MKA1_API_KEYS="sk-a:admin,sk-b:user";
                                                                     with no keys at all only 127.0.0.1 is allowed
              --backend                 MKA1_BACKEND                 the best available (cuda, cpu, reference)
              --concurrent-jobs         MKA1_CONCURRENT_JOBS         1
              --max-body-bytes          MKA1_MAX_BODY_BYTES          8388608 (8 MiB, JSON bodies)
              --max-upload-bytes        MKA1_MAX_UPLOAD_BYTES        1073741824 (1 GiB, file uploads)
              --shutdown-grace-seconds  MKA1_SHUTDOWN_GRACE_SECONDS  10
              --model-cache-bytes       MKA1_MODEL_CACHE_BYTES       2g (k, m, g, t suffixes)
              --request-timeout-seconds MKA1_REQUEST_TIMEOUT_SECONDS 300 (headers and body of one request)
              --idle-timeout-seconds    MKA1_IDLE_TIMEOUT_SECONDS    30 (an idle keep-alive connection)
              --max-connections         MKA1_MAX_CONNECTIONS         1000 (open at once)
              --response-retention-days MKA1_RESPONSE_RETENTION_DAYS 30 (stored responses older than this are removed)
              --recompute-activations   MKA1_RECOMPUTE_ACTIVATIONS   false; true re-runs each layer's forward in its
                                                                     backward (activation checkpointing: memory of one
                                                                     layer's activations, about a third more compute)
              --database                MKA1_DATABASE_URL            none: jobs in the data directory;
                                                                     postgresql://USER@HOST:PORT/DB shares them (PGPASSWORD)
              --blobs                   MKA1_BLOBS                   none: files in the data directory; s3://BUCKET/PREFIX
                                                                     shares them (AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, ...)
              --worker-id               MKA1_WORKER_ID               the host name (this server's name in job leases)
              --lease-seconds           MKA1_LEASE_SECONDS           30 (a dead server's job is taken over after this)
            """;

    /** The flags {@code mka1 serve} accepts, each with a value. */
    public static final List<String> FLAGS = List.of("host", "port", "data-dir", "models-dir",
            "api-keys-file", "backend", "concurrent-jobs", "max-body-bytes", "max-upload-bytes",
            "shutdown-grace-seconds", "model-cache-bytes", "request-timeout-seconds", "idle-timeout-seconds",
            "max-connections", "response-retention-days", "recompute-activations", "database", "blobs", "worker-id", "lease-seconds");

    public static ServerConfig resolve(Map<String, String> flags, Map<String, String> env) {
        Settings s = new Settings(flags, env);
        Path dataDir = Path.of(s.text("data-dir", "MKA1_DATA_DIR", "work-data")).toAbsolutePath().normalize();
        String modelsDir = s.text("models-dir", "MKA1_MODELS_DIR", null);
        return new ServerConfig(
                s.text("host", "MKA1_HOST", "127.0.0.1"),
                (int) s.number("port", "MKA1_PORT", 8080, 0, 65535),
                dataDir,
                modelsDir == null ? dataDir.resolve("models") : Path.of(modelsDir).toAbsolutePath().normalize(),
                keys(s),
                s.text("backend", "MKA1_BACKEND", null),
                (int) s.number("concurrent-jobs", "MKA1_CONCURRENT_JOBS", 1, 1, 64),
                new HttpLimits(s.number("max-body-bytes", "MKA1_MAX_BODY_BYTES", 8L << 20, 1, Integer.MAX_VALUE - 8),
                        s.number("max-upload-bytes", "MKA1_MAX_UPLOAD_BYTES", 1L << 30, 1, Long.MAX_VALUE)),
                (int) s.number("shutdown-grace-seconds", "MKA1_SHUTDOWN_GRACE_SECONDS", 10, 0, 3600),
                s.size("model-cache-bytes", "MKA1_MODEL_CACHE_BYTES", 2L << 30),
                new ConnectionLimits(
                        (int) s.number("request-timeout-seconds", "MKA1_REQUEST_TIMEOUT_SECONDS",
                                ConnectionLimits.DEFAULTS.requestTimeoutSeconds(), 1, 86_400),
                        (int) s.number("idle-timeout-seconds", "MKA1_IDLE_TIMEOUT_SECONDS",
                                ConnectionLimits.DEFAULTS.idleTimeoutSeconds(), 1, 86_400),
                        (int) s.number("max-connections", "MKA1_MAX_CONNECTIONS",
                                ConnectionLimits.DEFAULTS.maxConnections(), 1, 1_000_000)),
                (int) s.number("response-retention-days", "MKA1_RESPONSE_RETENTION_DAYS", 30, 1, 36_500),
                s.bool("recompute-activations", "MKA1_RECOMPUTE_ACTIVATIONS", false),
                new Scale(s.text("database", "MKA1_DATABASE_URL", null), s.text("blobs", "MKA1_BLOBS", null),
                        s.text("worker-id", "MKA1_WORKER_ID", hostName()),
                        (int) s.number("lease-seconds", "MKA1_LEASE_SECONDS", 30, 3, 86_400)));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "mka1-" + ProcessHandle.current().pid();
        }
    }

    private static ApiKeys keys(Settings s) {
        String file = s.text("api-keys-file", "MKA1_API_KEYS_FILE", null);
        try {
            if (file != null) {
                return ApiKeys.readFile(Path.of(file));
            }
            String inline = s.env.get("MKA1_API_KEYS");
            return inline == null || inline.isBlank() ? ApiKeys.none() : ApiKeys.parseList(inline, "MKA1_API_KEYS");
        } catch (IOException e) {
            throw new ConfigException("cannot read the API keys file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private record Settings(Map<String, String> flags, Map<String, String> env) {
        String text(String flag, String variable, String fallback) {
            String value = flags.get(flag);
            if (value == null || value.isBlank()) {
                value = env.get(variable);
            }
            return value == null || value.isBlank() ? fallback : value.strip();
        }

        long number(String flag, String variable, long fallback, long min, long max) {
            String text = text(flag, variable, null);
            if (text == null) {
                return fallback;
            }
            String source = flags.containsKey(flag) ? "--" + flag : variable;
            try {
                long value = Long.parseLong(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ConfigException(source + " must be an integer from " + min + " to " + max + ", got '" + text + "'");
        }

        boolean bool(String flag, String variable, boolean fallback) {
            String text = text(flag, variable, null);
            if (text == null) {
                return fallback;
            }
            return switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "1", "on" -> true;
                case "false", "no", "0", "off" -> false;
                default -> throw new ConfigException((flags.containsKey(flag) ? "--" + flag : variable)
                        + " must be true or false, got '" + text + "'");
            };
        }

        /** A positive byte count: digits with an optional binary suffix k, m, g or t ({@code 512m}, {@code 2g}). */
        long size(String flag, String variable, long fallback) {
            String text = text(flag, variable, null);
            if (text == null) {
                return fallback;
            }
            String source = flags.containsKey(flag) ? "--" + flag : variable;
            int shift = switch (Character.toLowerCase(text.charAt(text.length() - 1))) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
            String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
            try {
                long value = Long.parseLong(digits);
                if (value > 0 && value <= Long.MAX_VALUE >> shift) {
                    return value << shift;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ConfigException(source + " must be a positive byte count such as 536870912, 512m or 2g, got '" + text + "'");
        }
    }
}
