package com.mka1.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One part of a multipart/form-data body. {@code body} streams the part's bytes and ends at the
 * next boundary; it is valid until the reader moves to the next part.
 *
 * @param name        the form field name
 * @param filename    the file name the client sent, or null for plain fields
 * @param contentType the part's Content-Type, or null
 */
public record MultipartPart(String name, String filename, String contentType, InputStream body) {
    /** Reads a plain field's value as UTF-8, refusing values longer than {@code maxBytes}. */
    public String readText(int maxBytes) throws IOException {
        byte[] bytes = body.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new HttpProblem(ApiError.badRequest("Form field '" + name + "' is longer than " + maxBytes
                    + " bytes", name, "invalid_value"));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
