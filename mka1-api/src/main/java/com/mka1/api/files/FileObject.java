package com.mka1.api.files;

import java.util.Objects;

/**
 * A stored file ({@code "object": "file"}).
 *
 * @param id            {@code file_} + 32 hex characters
 * @param bytes         size in bytes
 * @param createdAt     Unix seconds
 * @param expiresAt     Unix seconds, or null (files do not expire here)
 * @param filename      the name given at upload (never used as a path)
 * @param purpose       what the file is for
 * @param status        processing status
 * @param statusDetails details of an {@code error} status, or null
 */
public record FileObject(String id, long bytes, long createdAt, Long expiresAt, String filename,
                         FilePurpose purpose, FileStatus status, String statusDetails) {
    public FileObject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(status, "status");
    }
}
