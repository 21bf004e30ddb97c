package com.mka1.server.http;

import java.util.Locale;

/** Reads media types and their parameters from Content-Type and Content-Disposition values. */
public final class ContentTypes {
    public static final String JSON = "application/json";

    private ContentTypes() {}

    /** The lower-case media type without parameters: {@code "application/json"}. */
    public static String mediaType(String headerValue) {
        int semi = headerValue.indexOf(';');
        return (semi < 0 ? headerValue : headerValue.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** A parameter's value (quotes removed, {@code \"} unescaped), or null when absent. */
    public static String parameter(String headerValue, String name) {
        int i = headerValue.indexOf(';');
        while (i >= 0 && i < headerValue.length()) {
            int start = i + 1;
            while (start < headerValue.length() && headerValue.charAt(start) == ' ') {
                start++;
            }
            int eq = headerValue.indexOf('=', start);
            if (eq < 0) {
                return null;
            }
            String key = headerValue.substring(start, eq).trim();
            int valueStart = eq + 1;
            String value;
            int next;
            if (valueStart < headerValue.length() && headerValue.charAt(valueStart) == '"') {
                StringBuilder quoted = new StringBuilder();
                int j = valueStart + 1;
                while (j < headerValue.length() && headerValue.charAt(j) != '"') {
                    char c = headerValue.charAt(j);
                    if (c == '\\' && j + 1 < headerValue.length()) {
                        c = headerValue.charAt(++j);
                    }
                    quoted.append(c);
                    j++;
                }
                value = quoted.toString();
                next = headerValue.indexOf(';', j);
            } else {
                next = headerValue.indexOf(';', valueStart);
                value = (next < 0 ? headerValue.substring(valueStart) : headerValue.substring(valueStart, next)).trim();
            }
            if (key.equalsIgnoreCase(name)) {
                return value;
            }
            i = next;
        }
        return null;
    }
}
