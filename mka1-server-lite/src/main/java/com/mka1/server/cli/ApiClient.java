package com.mka1.server.cli;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Talks to an MKA1 server: the root URL (e.g. {@code http://127.0.0.1:8080}) plus {@code /v1}, or a
 * URL that already ends in a mount ({@code /v1}, {@code /api/v1/llm}) as given,
 * an optional bearer key and extra headers ({@code X-On-Behalf-Of}). Non-2xx answers become
 * {@link ApiCallException} carrying the envelope's message.
 */
public final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String apiBase;
    private final String apiKey;
    private final List<Map.Entry<String, String>> headers;

    public ApiClient(String serverUrl, String apiKey, List<Map.Entry<String, String>> headers) {
        String root = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        if (!root.startsWith("http://") && !root.startsWith("https://")) {
            throw new CliException("the server URL must start with http:// or https://, got '" + serverUrl + "'");
        }
        // a URL that already names a mount (the MKA1 gateway's /api/v1/llm, or /v1) is used as given
        this.apiBase = root.endsWith("/v1") || root.endsWith("/api/v1/llm") ? root : root + "/v1";
        this.apiKey = apiKey;
        this.headers = List.copyOf(headers);
    }

    public String apiBase() {
        return apiBase;
    }

    public ApiResponse get(String path, Map<String, String> query) {
        return send(request(path + queryString(query)).GET());
    }

    public ApiResponse delete(String path) {
        return send(request(path).DELETE());
    }

    public ApiResponse postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    /** POSTs JSON and hands each line of a streamed (SSE) answer to {@code lines} as it arrives. */
    public void postJsonStreaming(String path, String json, Consumer<String> lines) {
        HttpRequest request = request(path).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        HttpResponse<java.util.stream.Stream<String>> response = exchange(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() / 100 != 2) {
            String body = String.join("\n", response.body().toList());
            throw failure(response.statusCode(), body);
        }
        try (java.util.stream.Stream<String> stream = response.body()) {
            stream.forEach(lines);
        }
    }

    /** Uploads a file as multipart/form-data, streaming it from disk. */
    public ApiResponse postFile(String path, Map<String, String> fields, String fileField, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliException("--file: no such file: " + file);
        }
        String boundary = "mka1-" + HexFormat.of().formatHex(randomBytes());
        StringBuilder head = new StringBuilder();
        fields.forEach((name, value) -> head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
                .append(value).append("\r\n"));
        head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(fileField).append("\"; filename=\"")
                .append(file.getFileName().toString().replace("\"", "%22")).append("\"\r\n")
                .append("Content-Type: application/octet-stream\r\n\r\n");
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofString(head.toString(), StandardCharsets.UTF_8),
                    HttpRequest.BodyPublishers.ofFile(file),
                    HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8));
        } catch (FileNotFoundException e) {
            throw new CliException("--file: cannot read " + file);
        }
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body));
    }

    /** GETs raw bytes (file content); the caller closes the stream. */
    public InputStream download(String path) {
        HttpResponse<InputStream> response = exchange(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            try (InputStream in = response.body()) {
                throw failure(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ApiCallException(response.statusCode(), "HTTP " + response.statusCode(), null);
            }
        }
        return response.body();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(apiBase + path)).timeout(TIMEOUT);
        if (apiKey != null && !apiKey.isBlank()) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        for (Map.Entry<String, String> header : headers) {
            builder.header(header.getKey(), header.getValue());
        }
        return builder;
    }

    private ApiResponse send(HttpRequest.Builder builder) {
        HttpResponse<String> response = exchange(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body());
        }
        return new ApiResponse(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new ApiCallException(0, "cannot connect to " + apiBase + " (is `mka1 serve` running? set"
                    + " --server-url or MKA1_SERVER_URL)", null);
        } catch (IOException e) {
            throw new ApiCallException(0, "request to " + request.uri() + " failed: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiCallException(0, "interrupted", null);
        }
    }

    private static ApiCallException failure(int status, String body) {
        String message = "HTTP " + status;
        try {
            if (JsonText.parse(body, "the error answer") instanceof JsonValue.Obj answer
                    && answer.get("error") instanceof JsonValue.Obj error && error.get("message") instanceof JsonValue.Str(String text)) {
                message = "HTTP " + status + " " + Json.text(error.get("type")) + ": " + text;
            }
        } catch (CliException notJson) {
            // keep the bare status
        }
        return new ApiCallException(status, message, body);
    }

    static String queryString(Map<String, String> query) {
        StringBuilder out = new StringBuilder();
        query.forEach((name, value) -> {
            if (value != null) {
                out.append(out.isEmpty() ? '?' : '&').append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return out.toString();
    }

    /** Encodes one path segment (model ids contain ':'). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
