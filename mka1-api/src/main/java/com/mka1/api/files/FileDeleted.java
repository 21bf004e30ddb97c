package com.mka1.api.files;

/** The answer to a delete: {@code {"id", "object": "file", "deleted": true}}. */
public record FileDeleted(String id, boolean deleted) {}
