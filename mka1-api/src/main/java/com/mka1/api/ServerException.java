package com.mka1.api;

/** An internal failure (I/O, a bug); the request may be retried (HTTP 500, type {@code server_error}). */
public final class ServerException extends Mka1Exception {
    public ServerException(String message) {
        this(message, null, null);
    }

    public ServerException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public ServerException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 500;
    }

    @Override
    public String type() {
        return "server_error";
    }
}
