package com.mka1.server.http;

import java.util.Locale;

/** What an API key may do: {@code ADMIN} may also use the fine-tuning endpoints. */
public enum Role {
    ADMIN, USER;

    /** Parses "admin" or "user" (any case); the message names the key's position when it is neither. */
    static Role parse(String text, String where) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "admin" -> ADMIN;
            case "user" -> USER;
            default -> throw new IllegalArgumentException(where + ": unknown role '" + text.trim()
                    + "' (expected admin or user)");
        };
    }
}
