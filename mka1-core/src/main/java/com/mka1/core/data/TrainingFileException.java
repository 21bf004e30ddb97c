package com.mka1.core.data;

/**
 * A training or validation file cannot be used. {@code code} is the API error code
 * ({@code invalid_training_file}, {@code invalid_validation_file}, {@code insufficient_examples},
 * {@code example_too_long}, {@code file_not_found}); {@code param} the request field
 * ({@code training_file} or {@code validation_file}); the message names the lines at fault.
 */
public final class TrainingFileException extends Exception {
    private final String code;
    private final String param;

    public TrainingFileException(String code, String param, String message) {
        super(message);
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
