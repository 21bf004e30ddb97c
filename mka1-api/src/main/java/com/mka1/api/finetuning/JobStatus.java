package com.mka1.api.finetuning;

import com.mka1.api.WireEnum;

/**
 * A job's status. Lifecycle: {@code validating_files -> queued -> running -> succeeded | failed},
 * {@code running -> pausing -> paused -> (resume) queued}, and cancel from every non-terminal status.
 */
public enum JobStatus implements WireEnum {
    VALIDATING_FILES, QUEUED, RUNNING, PAUSING, PAUSED, SUCCEEDED, FAILED, CANCELLED;

    /** Succeeded, failed and cancelled jobs never change again. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** Parses a wire name. */
    public static JobStatus fromWire(String name) {
        return WireEnum.lookup(values(), name)
                .orElseThrow(() -> new IllegalArgumentException("unknown job status '" + name + "'"));
    }
}
