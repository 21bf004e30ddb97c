package com.mka1.api.finetuning;

import java.util.Objects;

/**
 * Why a job failed.
 *
 * @param code    "invalid_training_file", "insufficient_examples", "example_too_long", "server_error", ...
 * @param message human-readable; names the line ("Line 2: ...") or field at fault
 * @param param   the request field at fault ("training_file"), or null
 */
public record JobError(String code, String message, String param) {
    public JobError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
