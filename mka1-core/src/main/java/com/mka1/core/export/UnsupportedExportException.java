package com.mka1.core.export;

/** A model cannot be exported in the asked format; the message names what stands in the way. */
public final class UnsupportedExportException extends RuntimeException {
    public UnsupportedExportException(String message) {
        super(message);
    }
}
