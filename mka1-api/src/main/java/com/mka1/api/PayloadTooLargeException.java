package com.mka1.api;

/** The request body or uploaded file exceeds the configured size limit (HTTP 413, type {@code invalid_request_error}). */
public final class PayloadTooLargeException extends Mka1Exception {
    public PayloadTooLargeException(String message) {
        this(message, null, null);
    }

    public PayloadTooLargeException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public PayloadTooLargeException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 413;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
