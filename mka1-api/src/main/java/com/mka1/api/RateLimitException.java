package com.mka1.api;

/** Too many requests or jobs at once (e.g. the job queue is full) (HTTP 429, type {@code rate_limit_error}). */
public final class RateLimitException extends Mka1Exception {
    public RateLimitException(String message) {
        this(message, null, null);
    }

    public RateLimitException(String message, String param, String code) {
        super(message, param, code, null);
    }

    public RateLimitException(String message, String param, String code, Throwable cause) {
        super(message, param, code, cause);
    }

    @Override
    public int httpStatus() {
        return 429;
    }

    @Override
    public String type() {
        return "rate_limit_error";
    }
}
