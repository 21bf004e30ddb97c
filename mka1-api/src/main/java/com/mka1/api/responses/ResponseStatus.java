package com.mka1.api.responses;

/** The {@code status} of a response; {@link #wireName()} is the JSON value. */
public enum ResponseStatus {
    COMPLETED("completed"),
    INCOMPLETE("incomplete"),
    FAILED("failed"),
    IN_PROGRESS("in_progress");

    private final String wireName;

    ResponseStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The status with this wire name; IllegalArgumentException for an unknown one. */
    public static ResponseStatus fromWire(String name) {
        for (ResponseStatus s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown response status '" + name + "'");
    }
}
