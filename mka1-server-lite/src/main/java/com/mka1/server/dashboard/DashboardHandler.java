package com.mka1.server.dashboard;

import com.mka1.server.http.ApiError;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the web dashboard's static files under {@value #PATH}: GET and HEAD only, a strict
 * Content-Security-Policy (everything from this origin, nothing inline, no frames), revalidated
 * caching by ETag. The pages talk to the server only through the public API with the key the user
 * types, so this handler knows nothing of keys, jobs or models.
 */
public final class DashboardHandler implements HttpHandler {
    /** Where the dashboard is mounted. */
    public static final String PATH = "/dashboard";
    /** Only this origin; no inline script or style, no plugins, no framing, no foreign form targets. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";
    private static final Logger accessLog = LoggerFactory.getLogger("com.mka1.server.access");
    private static final Logger log = LoggerFactory.getLogger(DashboardHandler.class);

    private final StaticAssets assets;

    public DashboardHandler() {
        this(new StaticAssets("site"));
    }

    DashboardHandler(StaticAssets assets) {
        this.assets = assets;
    }

    @Override
    public void handle(HttpExchange http) {
        long started = System.nanoTime();
        String method = http.getRequestMethod();
        String rawPath = http.getRequestURI().getRawPath();
        int status;
        long bytes = 0;
        try {
            Headers headers = http.getResponseHeaders();
            headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("X-Frame-Options", "DENY");
            Optional<Asset> asset = lookup(rawPath);
            if (rawPath.equals(PATH)) {
                headers.set("Location", PATH + "/");
                status = send(http, 301, null, false);
            } else if (asset.isEmpty()) {
                byte[] body = ApiError.notFound("Unknown path: " + rawPath, null).toJson();
                headers.set("Content-Type", "application/json");
                status = send(http, 404, body, false);
                bytes = body.length;
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                headers.set("Allow", "GET, HEAD");
                byte[] body = ApiError.methodNotAllowed(method, rawPath).toJson();
                headers.set("Content-Type", "application/json");
                status = send(http, 405, body, false);
                bytes = body.length;
            } else {
                Asset found = asset.get();
                headers.set("ETag", found.etag());
                // Always revalidate: a new jar serves new pages at once, and an unchanged file costs a 304.
                headers.set("Cache-Control", "no-cache");
                if (found.etag().equals(http.getRequestHeaders().getFirst("If-None-Match"))) {
                    status = send(http, 304, null, false);
                } else {
                    headers.set("Content-Type", found.contentType());
                    status = send(http, 200, found.content(), method.equals("HEAD"));
                    bytes = method.equals("HEAD") ? 0 : found.content().length;
                }
            }
        } catch (IOException clientGone) {
            log.debug("could not answer {} {}: {}", method, rawPath, clientGone.toString());
            status = 0;
        } finally {
            http.close();
        }
        accessLog.info("{} {} {} {}B {}ms", method, rawPath, status, bytes, (System.nanoTime() - started) / 1_000_000);
    }

    /** The asset a raw request path names: {@code /dashboard/} is the index page. */
    private Optional<Asset> lookup(String rawPath) {
        if (!rawPath.startsWith(PATH + "/")) {
            return Optional.empty(); // "/dashboardx" reaches this context by string prefix
        }
        String relative = rawPath.substring(PATH.length() + 1);
        // Raw, still percent-encoded: an escape never names an asset, so "%2e%2e" cannot slip past the check.
        return assets.find(relative.isEmpty() ? "index.html" : relative);
    }

    private static int send(HttpExchange http, int status, byte[] body, boolean headOnly) throws IOException {
        if (body == null || headOnly) {
            http.sendResponseHeaders(status, -1);
        } else {
            http.sendResponseHeaders(status, body.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        }
        return status;
    }
}
