package com.mka1.api;

/** Missing, malformed or unknown API key (HTTP 401, type {@code authentication_error}). */
public final class AuthenticationException extends Mka1Exception {
    public AuthenticationException(String message) {
        this(message, null, null);
    }

    public AuthenticationException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public AuthenticationException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 401;
    }

    @Override
    public String type() {
        return "authentication_error";
    }
}
