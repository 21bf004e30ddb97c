package com.mka1.core.train;

/**
 * Training cannot proceed. {@code code} is an API error code ("invalid_training_file",
 * "example_too_long", "model_not_found", "invalid_hyperparameters", "server_error"), {@code param}
 * the request field it concerns (or null); the message names the line or tensor at fault.
 */
public final class TrainingFailedException extends Exception {
    private final String code;
    private final String param;

    public TrainingFailedException(String code, String param, String message) {
        super(message);
        this.code = code;
        this.param = param;
    }

    public TrainingFailedException(String code, String param, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.param = param;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
