package com.mka1.api.finetuning;

/**
 * A job's status. Lifecycle: {@code validating_files -> queued -> running -> succeeded | failed},
 * {@code running -> pausing -> paused -> (resume) queued}, and cancel from every non-terminal status.
 */
public enum JobStatus {
    VALIDATING_FILES("validating_files"),
    QUEUED("queued"),
    RUNNING("running"),
    PAUSING("pausing"),
    PAUSED("paused"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    JobStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Succeeded, failed and cancelled jobs never change again. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** Parses a wire name. */
    public static JobStatus fromWire(String name) {
        for (JobStatus s : values()) if (s.wireName.equals(name)) return s;
        throw new IllegalArgumentException("unknown job status '" + name + "'");
    }
}
