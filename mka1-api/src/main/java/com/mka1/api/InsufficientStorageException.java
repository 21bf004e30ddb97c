package com.mka1.api;

/**
 * The server's data directory is full (or the server started read-only because it was): nothing
 * was changed, the previous state stands, and the request may be retried once space is freed
 * (HTTP 507, type {@code server_error}, code {@code insufficient_storage}).
 */
public final class InsufficientStorageException extends Mka1Exception {
    public static final String CODE = "insufficient_storage";

    public InsufficientStorageException(String message, Throwable cause) {
        super(message, null, CODE, cause);
    }

    @Override
    public int httpStatus() {
        return 507;
    }

    @Override
    public String type() {
        return "server_error";
    }
}
