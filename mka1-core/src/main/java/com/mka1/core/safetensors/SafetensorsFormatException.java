package com.mka1.core.safetensors;

/** A safetensors file or index is malformed (bad header, offsets, dtype); the message names the file. */
public final class SafetensorsFormatException extends RuntimeException {
    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
