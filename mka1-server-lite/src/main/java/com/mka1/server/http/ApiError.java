package com.mka1.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.core.json.ErrorCodec;
import com.mka1.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One error answer: the HTTP status and the API's envelope
 * {@code {"error": {"message", "type", "param", "code"}}}. {@code param} and {@code code} may be null.
 */
public record ApiError(int status, String type, String message, String param, String code) {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String SERVER = "server_error";

    public static ApiError badRequest(String message, String param, String code) {
        return new ApiError(400, INVALID_REQUEST, message, param, code);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, AUTHENTICATION, message, null, "invalid_api_key");
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, PERMISSION, message, null, "insufficient_permissions");
    }

    public static ApiError notFound(String message, String param) {
        return new ApiError(404, INVALID_REQUEST, message, param, "not_found");
    }

    public static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, INVALID_REQUEST, "Method " + method + " is not allowed on " + path, null,
                "method_not_allowed");
    }

    public static ApiError payloadTooLarge(String message) {
        return new ApiError(413, INVALID_REQUEST, message, null, "payload_too_large");
    }

    public static ApiError unsupportedMediaType(String message) {
        return new ApiError(415, INVALID_REQUEST, message, null, "unsupported_media_type");
    }

    /** The only 500 a client ever sees: nothing about the cause leaves the server. */
    public static ApiError internal() {
        return new ApiError(500, SERVER, "The server had an error while processing your request.", null, null);
    }

    /** A write the server's full disk refused: nothing changed, retry once space is freed. */
    public static ApiError insufficientStorage() {
        return new ApiError(507, SERVER, "The server's data directory is full. Nothing was changed; retry once space is freed.",
                null, "insufficient_storage");
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, SERVER, message, null, "service_unavailable");
    }

    /** The envelope as UTF-8 JSON, written by the same codec as every other API object. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + message.length());
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            ErrorCodec.write(g, message, type, param, code);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
