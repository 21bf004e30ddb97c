package com.mka1.server.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A request's query string, decoded, in order; names may repeat ({@code metadata[k]=v&metadata[j]=w}). */
public record QueryParams(List<Map.Entry<String, String>> entries) {
    public QueryParams {
        entries = List.copyOf(entries);
    }

    public static QueryParams parse(String rawQuery) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                entries.add(Map.entry(decode(name), decode(value)));
            }
        }
        return new QueryParams(entries);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(ApiError.badRequest("Malformed percent-encoding in the query string: " + text,
                    null, "invalid_query"));
        }
    }

    /** The last value of {@code name}, or null. */
    public String get(String name) {
        String found = null;
        for (Map.Entry<String, String> entry : entries) {
            if (entry.getKey().equals(name)) {
                found = entry.getValue();
            }
        }
        return found;
    }

    /** The last value of {@code name}, or null when it is absent or empty ({@code ?after=} means no cursor). */
    public String nonEmpty(String name) {
        String text = get(name);
        return text == null || text.isEmpty() ? null : text;
    }

    /** An integer parameter within [min, max], or {@code fallback} when absent; 400 naming it otherwise. */
    public int intInRange(String name, int fallback, int min, int max) {
        String text = nonEmpty(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the allowed range
        }
        throw new HttpProblem(ApiError.badRequest("Invalid '" + name + "': expected an integer from " + min
                + " to " + max + ", got '" + text + "'", name, "invalid_value"));
    }

    /** One of {@code allowed}, or {@code fallback} when absent; 400 naming it otherwise. */
    public String oneOf(String name, String fallback, List<String> allowed) {
        String text = nonEmpty(name);
        if (text == null) {
            return fallback;
        }
        if (!allowed.contains(text)) {
            throw new HttpProblem(ApiError.badRequest("Invalid '" + name + "': expected one of " + allowed
                    + ", got '" + text + "'", name, "invalid_value"));
        }
        return text;
    }
}
