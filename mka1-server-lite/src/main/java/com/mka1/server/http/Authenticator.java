package com.mka1.server.http;


/**
 * Turns the {@code Authorization} and {@code X-On-Behalf-Of} headers into a {@link Principal}.
 * With no keys configured (a loopback-only development server) every request acts as admin.
 */
public final class Authenticator {
    public static final String ON_BEHALF_OF = "X-On-Behalf-Of";
    private static final int MAX_END_USER_LENGTH = 256;

    private final ApiKeys keys;

    public Authenticator(ApiKeys keys) {
        this.keys = keys;
    }

    public Principal authenticate(String authorization, String onBehalfOf) {
        if (keys.isEmpty()) {
            return new Principal(Role.ADMIN, "no-auth", endUser(onBehalfOf));
        }
        if (authorization == null || authorization.isBlank()) {
            throw new HttpProblem(ApiError.unauthorized(
                    "Missing API key: send it as 'Authorization: Bearer <key>'"));
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw new HttpProblem(ApiError.unauthorized(
                    "Malformed Authorization header: expected 'Bearer <key>'"));
        }
        String key = parts[1].trim();
        Role role = keys.roleOf(key).orElseThrow(() -> new HttpProblem(ApiError.unauthorized(
                "Incorrect API key provided: " + redact(key))));
        return new Principal(role, ApiKeys.fingerprint(key), endUser(onBehalfOf));
    }

    private static String endUser(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        if (value.isEmpty() || value.length() > MAX_END_USER_LENGTH
                || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new HttpProblem(ApiError.badRequest(ON_BEHALF_OF + " must be 1 to " + MAX_END_USER_LENGTH
                    + " printable characters", ON_BEHALF_OF, "invalid_header"));
        }
        return value;
    }

    /** Shows only the ends of a rejected key, as OpenAI does ("sk-ab***yz"). */
    static String redact(String key) {
        return key.length() <= 8 ? "***" : key.substring(0, 4) + "***" + key.substring(key.length() - 2);
    }
}
