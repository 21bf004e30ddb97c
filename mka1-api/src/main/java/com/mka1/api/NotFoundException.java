package com.mka1.api;

/** An unknown id, or one the caller may not see (HTTP 404, type {@code invalid_request_error}). */
public final class NotFoundException extends Mka1Exception {
    public NotFoundException(String message) {
        this(message, null, null);
    }

    public NotFoundException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public NotFoundException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 404;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
