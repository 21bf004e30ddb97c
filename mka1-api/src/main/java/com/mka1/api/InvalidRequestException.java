package com.mka1.api;

/** The request is malformed or a field has a bad value; {@link #param()} names the field (HTTP 400, type {@code invalid_request_error}). */
public final class InvalidRequestException extends Mka1Exception {
    public InvalidRequestException(String message) {
        this(message, null, null);
    }

    public InvalidRequestException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public InvalidRequestException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 400;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
