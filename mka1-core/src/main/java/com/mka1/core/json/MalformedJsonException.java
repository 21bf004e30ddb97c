package com.mka1.core.json;

/** Text that is not valid JSON; the message gives the line and column. */
public final class MalformedJsonException extends RuntimeException {
    public MalformedJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
