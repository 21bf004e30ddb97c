package com.mka1.server.cli;

/** The server answered with an error envelope (or could not be reached). Exit code 1. */
public final class ApiCallException extends RuntimeException {
    private final int status;
    private final String body;

    public ApiCallException(int status, String message, String body) {
        super(message);
        this.status = status;
        this.body = body;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The answer's body as received (the error envelope), or null. */
    public String body() {
        return body;
    }
}
