package com.mka1.core.model;

/** A model's config asks for something this engine does not implement; the message names the field. */
public final class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
