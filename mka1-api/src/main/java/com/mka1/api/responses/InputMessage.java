package com.mka1.api.responses;

import java.util.Objects;
import java.util.Set;

/**
 * One message of a Responses {@code input} list. On the wire {@code content} is a string or a list
 * of {@code input_text} parts; parts are joined into one text here.
 *
 * @param role    user, assistant, system or developer
 * @param content the message text, never null
 */
public record InputMessage(String role, String content) implements InputItem {
    /** The roles a Responses input message may have. */
    public static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

    public InputMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("input message role must be one of " + ROLES + ", got '" + role + "'");
        }
    }

    public static InputMessage user(String text) {
        return new InputMessage("user", text);
    }
}
