package com.mka1.api.files;

import com.mka1.api.Page;

import java.io.InputStream;

/**
 * The {@code /files} resource, bound to one {@link com.mka1.api.Caller}: every call sees the files
 * {@link com.mka1.api.Caller#canSee} allows, and an id of another end user's file is
 * {@link com.mka1.api.NotFoundException}.
 * Thread-safe.
 */
public interface FileService {
    /**
     * Stores an upload. Throws {@link com.mka1.api.PayloadTooLargeException} over the size limit
     * and {@link com.mka1.api.InvalidRequestException} for a purpose that cannot be uploaded.
     */
    FileObject create(FileUpload upload);

    /** A page of files; an unknown {@code after} id is an {@link com.mka1.api.InvalidRequestException}. */
    Page<FileObject> list(FileListParams params);

    FileObject retrieve(String fileId);

    /** Opens the file's bytes; the caller closes the stream. */
    InputStream content(String fileId);

    /** Deletes a file; refused with {@link com.mka1.api.ConflictException} while an active job uses it. */
    FileDeleted delete(String fileId);
}
