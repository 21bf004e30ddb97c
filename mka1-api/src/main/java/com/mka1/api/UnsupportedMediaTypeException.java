package com.mka1.api;

/** The request has a content type the endpoint does not accept (HTTP 415, type {@code invalid_request_error}). */
public final class UnsupportedMediaTypeException extends Mka1Exception {
    public UnsupportedMediaTypeException(String message) {
        this(message, null, null);
    }

    public UnsupportedMediaTypeException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public UnsupportedMediaTypeException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 415;
    }

    @Override
    public String type() {
        return "invalid_request_error";
    }
}
