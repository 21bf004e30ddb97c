package com.mka1.core.safetensors;

/** A tensor a model needs is absent from its safetensors files; the message names it. */
public final class MissingTensorException extends RuntimeException {
    public MissingTensorException(String message) {
        super(message);
    }
}
