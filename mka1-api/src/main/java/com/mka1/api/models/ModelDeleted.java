package com.mka1.api.models;

import java.util.Objects;

/** The answer to a model delete: {@code {"id", "object": "model", "deleted": true}}. */
public record ModelDeleted(String id, boolean deleted) {
    public ModelDeleted {
        Objects.requireNonNull(id, "id");
    }
}
