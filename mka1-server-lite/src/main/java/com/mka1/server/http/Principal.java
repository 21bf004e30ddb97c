package com.mka1.server.http;

/**
 * Who makes a request: the role of the API key that authenticated it, a short fingerprint of
 * that key (safe to log), and the end user named by {@code X-On-Behalf-Of}, or null.
 */
public record Principal(Role role, String keyFingerprint, String onBehalfOf) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
