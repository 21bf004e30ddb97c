package com.mka1.core.files;

import com.mka1.api.files.FileObject;

/**
 * A file with what the store keeps beside the API object.
 *
 * @param file  the API object
 * @param owner end user it was uploaded for (X-On-Behalf-Of), or null
 * @param seq   store-wide creation order (ties on created_at seconds are common)
 */
public record StoredFile(FileObject file, String owner, long seq) {}
