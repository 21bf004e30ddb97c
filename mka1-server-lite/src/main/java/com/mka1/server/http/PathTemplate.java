package com.mka1.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A route path such as {@code /fine_tuning/jobs/{fine_tuning_job_id}/pause}: literal segments and
 * named parameters, each parameter matching exactly one non-empty, already-decoded segment.
 */
public record PathTemplate(String text, List<String> segments) {
    public PathTemplate {
        segments = List.copyOf(segments);
    }

    public static PathTemplate of(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("route path must start with '/': " + text);
        }
        List<String> segments = new ArrayList<>();
        for (String segment : text.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("empty segment in route path: " + text);
            }
            segments.add(segment);
        }
        return new PathTemplate(text, segments);
    }

    /** The parameters when {@code path} (decoded segments) matches, else empty. */
    public Optional<Map<String, String>> match(List<String> path) {
        if (path.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            String actual = path.get(i);
            if (isParameter(segment)) {
                if (actual.isEmpty()) {
                    return Optional.empty();
                }
                params.put(segment.substring(1, segment.length() - 1), actual);
            } else if (!segment.equals(actual)) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }
}
