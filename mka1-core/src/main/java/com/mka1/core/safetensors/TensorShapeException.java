package com.mka1.core.safetensors;

/** A tensor has a shape other than the one the model config implies; the message names both. */
public final class TensorShapeException extends RuntimeException {
    public TensorShapeException(String message) {
        super(message);
    }
}
