package com.mka1.core.adapter;

/**
 * A PEFT adapter uses a setting or tensor this engine does not implement; the message names the
 * field or tensor. Thrown instead of serving a silently different model.
 */
public final class UnsupportedAdapterException extends RuntimeException {
    public UnsupportedAdapterException(String message) {
        super(message);
    }
}
