package com.mka1.server.http;

/** Thrown by the HTTP layer for a request it refuses itself (bad body, wrong content type, ...). */
public final class HttpProblem extends RuntimeException {
    private final ApiError error;

    public HttpProblem(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
