package com.mka1.core.registry.hub;

/** A model could not be downloaded from the hub: the message names the repository, file and cause. */
public final class ModelDownloadException extends RuntimeException {
    public ModelDownloadException(String message) {
        super(message);
    }

    public ModelDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
