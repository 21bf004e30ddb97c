package com.mka1.api.responses;

import java.util.Objects;

/** The {@code error} of a failed response. */
public record ResponseError(String code, String message) {
    public ResponseError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
