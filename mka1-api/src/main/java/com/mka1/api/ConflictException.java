package com.mka1.api;

/** The action is not allowed in the object's current state; the message names that state (HTTP 409, type {@code invalid_request_error}). */
public final class ConflictException extends Mka1Exception {
    public ConflictException(String message) {
        this(message, null, null);
    }

    public ConflictException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public ConflictException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 409;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
