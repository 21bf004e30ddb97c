package com.mka1.server.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * One API request as a handler sees it: who calls, path and query parameters, the body (with
 * content-type and size checks) and ways to answer (JSON, raw bytes, SSE). A handler answers once.
 */
public final class ApiExchange {
    private final HttpExchange exchange;
    private final Principal principal;
    private final Map<String, String> pathParams;
    private final QueryParams query;
    private final HttpLimits limits;
    private int status;
    private long bytesSent;

    ApiExchange(HttpExchange exchange, Principal principal, Map<String, String> pathParams, HttpLimits limits) {
        this.exchange = exchange;
        this.principal = principal;
        this.pathParams = Map.copyOf(pathParams);
        this.query = QueryParams.parse(exchange.getRequestURI().getRawQuery());
        this.limits = limits;
    }

    public Principal principal() {
        return principal;
    }

    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route has no path parameter " + name);
        }
        return value;
    }

    public QueryParams query() {
        return query;
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    public HttpLimits limits() {
        return limits;
    }

    /** The JSON request body; 415 unless the Content-Type is application/json, 413 over the limit. */
    public byte[] jsonBody() throws IOException {
        String contentType = header("Content-Type");
        if (contentType == null || !ContentTypes.mediaType(contentType).equals(ContentTypes.JSON)) {
            throw new HttpProblem(ApiError.unsupportedMediaType("Expected Content-Type application/json, got "
                    + (contentType == null ? "none" : "'" + contentType + "'")));
        }
        long max = limits.maxJsonBodyBytes();
        rejectDeclaredLengthOver(max, "JSON body");
        byte[] body = requestBody().readNBytes((int) max + 1);
        if (body.length > max) {
            throw new HttpProblem(ApiError.payloadTooLarge("The JSON body is larger than the limit of " + max + " bytes"));
        }
        return body;
    }

    /** The multipart/form-data body, streamed; 415 for any other content type. */
    public MultipartReader multipartBody() {
        String boundary = MultipartReader.boundaryOf(header("Content-Type"));
        return new MultipartReader(requestBody(), boundary);
    }

    /** The body stream; a body the JDK cannot decode (a bad chunk size) is the client's error: 400. */
    private InputStream requestBody() {
        return new RequestBodyStream(exchange.getRequestBody());
    }

    /** Fails fast with 413 when the client announced a body larger than {@code max} bytes. */
    public void rejectDeclaredLengthOver(long max, String what) {
        String declared = header("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > max) {
                    throw new HttpProblem(ApiError.payloadTooLarge("The " + what + " is larger than the limit of "
                            + max + " bytes"));
                }
            } catch (NumberFormatException e) {
                throw new HttpProblem(ApiError.badRequest("Bad Content-Length header", null, "invalid_header"));
            }
        }
    }

    public void sendJson(int status, byte[] json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(status, json);
    }

    /** Streams {@code body} ({@code length} bytes) with the given content type. */
    public void sendStream(int status, String contentType, InputStream body, long length) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        markResponded(status);
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (OutputStream out = exchange.getResponseBody()) {
            bytesSent = body.transferTo(out);
        }
    }

    /** Starts a JSON answer of unknown length (chunked); the caller writes and closes the body. */
    OutputStream startJson(int status) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        markResponded(status);
        exchange.sendResponseHeaders(status, 0);
        return exchange.getResponseBody();
    }

    /** Starts a {@code text/event-stream} answer with status 200. */
    public SseStream startSse() throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        markResponded(200);
        exchange.sendResponseHeaders(200, 0);
        return new SseStream(exchange.getResponseBody());
    }

    void send(int status, byte[] body) throws IOException {
        markResponded(status);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        bytesSent = body.length;
    }

    private void markResponded(int status) {
        if (this.status != 0) {
            throw new IllegalStateException("answered twice (first with " + this.status + ")");
        }
        this.status = status;
    }

    boolean responded() {
        return status != 0;
    }

    int status() {
        return status;
    }

    long bytesSent() {
        return bytesSent;
    }
}
