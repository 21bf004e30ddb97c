package com.mka1.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Everything outside the API mounts: {@code GET /health} (200 {"status":"ok"} once ready,
 * 200 {"status":"read_only"} while the data directory takes no writes, 503 while starting or
 * shutting down) and the error envelope (404) for any other path.
 */
public final class HealthHandler implements HttpHandler {
    private final BooleanSupplier ready;
    private final BooleanSupplier writable;

    public HealthHandler(BooleanSupplier ready, BooleanSupplier writable) {
        this.ready = ready;
        this.writable = writable;
    }

    @Override
    public void handle(HttpExchange http) {
        try {
            String path = http.getRequestURI().getRawPath();
            if (!path.equals("/health")) {
                ApiDispatcher.sendError(http, 404, ApiError.notFound("Unknown path: " + path, null).toJson());
            } else if (!http.getRequestMethod().equals("GET") && !http.getRequestMethod().equals("HEAD")) {
                http.getResponseHeaders().set("Allow", "GET, HEAD");
                ApiDispatcher.sendError(http, 405, ApiError.methodNotAllowed(http.getRequestMethod(), path).toJson());
            } else if (ready.getAsBoolean()) {
                String status = writable.getAsBoolean() ? "ok" : "read_only";
                ApiDispatcher.sendError(http, 200, ("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8));
            } else {
                ApiDispatcher.sendError(http, 503, ApiError.unavailable("The server is not ready").toJson());
            }
        } finally {
            http.close();
        }
    }
}
