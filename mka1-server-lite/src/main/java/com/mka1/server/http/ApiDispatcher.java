package com.mka1.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP handler behind every API mount: authenticates, routes, checks the role, runs the
 * handler and turns any failure into the error envelope, then writes the access log line.
 * Order of checks: 401 (no valid key), then 404/405 (path, method), then 403 (role).
 */
public final class ApiDispatcher implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);
    private static final Logger accessLog = LoggerFactory.getLogger("com.mka1.server.access");

    /** Most of a refused body read before the connection is closed anyway. */
    static final long MAX_DRAIN_BYTES = 256L << 20;

    private final Router router;
    private final Authenticator authenticator;
    private final ErrorMapping errors;
    private final HttpLimits limits;

    public ApiDispatcher(Router router, Authenticator authenticator, ErrorMapping errors, HttpLimits limits) {
        this.router = router;
        this.authenticator = authenticator;
        this.errors = errors;
        this.limits = limits;
    }

    @Override
    public void handle(HttpExchange http) {
        long started = System.nanoTime();
        String method = http.getRequestMethod();
        String mount = http.getHttpContext().getPath();
        String rawPath = http.getRequestURI().getRawPath();
        String relative = rawPath.substring(Math.min(mount.length(), rawPath.length()));
        ApiExchange exchange = null;
        Principal principal = null;
        int status;
        long bytes = 0;
        try {
            try {
                if (!relative.isEmpty() && !relative.startsWith("/")) {
                    // "/v1foo" reaches the "/v1" context by string prefix; it is not under the mount.
                    throw new HttpProblem(ApiError.notFound("Unknown path: " + rawPath, null));
                }
                principal = authenticator.authenticate(http.getRequestHeaders().getFirst("Authorization"),
                        http.getRequestHeaders().getFirst(Authenticator.ON_BEHALF_OF));
                RouteMatch.Found found = switch (router.match(method, relative)) {
                    case RouteMatch.Found f -> f;
                    case RouteMatch.WrongMethod wrong -> {
                        http.getResponseHeaders().set("Allow", String.join(", ", wrong.allowed()));
                        throw new HttpProblem(ApiError.methodNotAllowed(method, rawPath));
                    }
                    case RouteMatch.NoSuchPath none -> throw new HttpProblem(ApiError.notFound(
                            "Unknown path: " + rawPath, null));
                };
                if (found.route().access() == Access.ADMIN_ONLY && !principal.isAdmin()) {
                    throw new HttpProblem(ApiError.forbidden(
                            "This endpoint needs an API key with the admin role"));
                }
                exchange = new ApiExchange(http, principal, found.params(), limits);
                found.route().handler().handle(exchange);
                if (!exchange.responded()) {
                    throw new IllegalStateException("handler for " + found.route().path().text() + " sent no answer");
                }
                status = exchange.status();
                bytes = exchange.bytesSent();
            } catch (Throwable failure) {
                ApiError error = failure instanceof HttpProblem problem ? problem.error() : errors.toApiError(failure);
                if (error.status() >= 500) {
                    log.error("{} {} failed", method, rawPath, failure);
                }
                if (exchange != null && exchange.responded()) {
                    // Headers are out (e.g. an SSE stream): all that is left is to close the connection.
                    status = exchange.status();
                    bytes = exchange.bytesSent();
                } else {
                    status = error.status();
                    if (status == 401) {
                        http.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"mka1\"");
                    }
                    byte[] body = error.toJson();
                    bytes = body.length;
                    if (status == 413) {
                        drainRefusedBody(http); // before answering: the JDK closes a connection with unread body once answered
                    }
                    sendError(http, error.status(), body);
                }
            }
        } finally {
            http.close();
        }
        accessLog.info("{} {} {} {}B {}ms key={} user={}", method, rawPath, status, bytes,
                (System.nanoTime() - started) / 1_000_000, principal == null ? "-" : principal.keyFingerprint(),
                principal == null || principal.onBehalfOf() == null ? "-" : principal.onBehalfOf());
    }

    /**
     * Reads and discards (up to {@value #MAX_DRAIN_BYTES} bytes) the body of a request refused as
     * too large, so the client has sent it when the 413 arrives and reads it; an answer over
     * unread data makes the server close, resetting the connection under the client's feet.
     */
    private static void drainRefusedBody(HttpExchange http) {
        try (InputStream in = http.getRequestBody()) {
            long drained = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n; drained < MAX_DRAIN_BYTES && (n = in.read(buffer)) != -1; ) {
                drained += n;
            }
        } catch (IOException clientGone) {
            log.debug("client went away while its refused body was drained: {}", clientGone.toString());
        }
    }

    /** Writes an error envelope on a raw exchange (also used for paths outside any API mount). */
    static void sendError(HttpExchange http, int status, byte[] body) {
        try {
            http.getResponseHeaders().set("Content-Type", "application/json");
            http.sendResponseHeaders(status, body.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException clientGone) {
            log.debug("could not send {} to the client: {}", status, clientGone.toString());
        }
    }
}
