package com.mka1.api.files;

import java.io.InputStream;
import java.util.Objects;

/**
 * A file to upload. The content is streamed to disk once, never held whole in memory; the
 * caller keeps ownership of the stream (the store reads it to its end but does not close it).
 *
 * @param filename the original file name (kept as metadata only)
 * @param purpose  what the file is for; {@code fine-tune-results} cannot be uploaded
 * @param content  the bytes
 */
public record FileUpload(String filename, FilePurpose purpose, InputStream content) {
    public FileUpload {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(content, "content");
    }
}
