package com.mka1.spi;

/** Thrown when a backend is asked to open but cannot run here, or an unknown backend is named. */
public final class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
