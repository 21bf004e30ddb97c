package com.mka1.server.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The API's routes, matched against a path relative to a mount point ({@code /v1}, {@code /api/v1/llm}). */
public final class Router {
    private final List<Route> routes = new ArrayList<>();

    public Router get(String path, Access access, Handler handler) {
        return add("GET", path, access, handler);
    }

    public Router post(String path, Access access, Handler handler) {
        return add("POST", path, access, handler);
    }

    public Router delete(String path, Access access, Handler handler) {
        return add("DELETE", path, access, handler);
    }

    public Router add(String method, String path, Access access, Handler handler) {
        routes.add(new Route(method, PathTemplate.of(path), access, handler));
        return this;
    }

    /** Matches a raw (still percent-encoded) path such as {@code /models/ft%3Aa%3Ab}. */
    public RouteMatch match(String method, String rawPath) {
        List<String> segments;
        try {
            segments = decodeSegments(rawPath);
        } catch (IllegalArgumentException malformedEscape) {
            return new RouteMatch.NoSuchPath();
        }
        List<String> allowed = new ArrayList<>();
        for (Route route : routes) {
            Optional<Map<String, String>> params = route.path().match(segments);
            if (params.isEmpty()) {
                continue;
            }
            if (route.method().equals(method)) {
                return new RouteMatch.Found(route, params.get());
            }
            allowed.add(route.method());
        }
        return allowed.isEmpty() ? new RouteMatch.NoSuchPath() : new RouteMatch.WrongMethod(List.copyOf(allowed));
    }

    private static List<String> decodeSegments(String rawPath) {
        String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        for (String raw : trimmed.split("/", -1)) {
            // '+' is a literal in paths, not a space, so protect it from the form decoder.
            segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return segments;
    }
}
