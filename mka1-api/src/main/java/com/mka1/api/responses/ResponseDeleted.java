package com.mka1.api.responses;

import java.util.Objects;

/** The answer to a response delete: {@code {"id", "object": "response", "deleted": true}}. */
public record ResponseDeleted(String id, boolean deleted) {
    public ResponseDeleted {
        Objects.requireNonNull(id, "id");
    }
}
