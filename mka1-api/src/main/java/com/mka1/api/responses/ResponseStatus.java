package com.mka1.api.responses;

import com.mka1.api.WireEnum;

/** The {@code status} of a response; {@link #wireName()} is the JSON value ({@code IN_PROGRESS} is {@code "in_progress"}). */
public enum ResponseStatus implements WireEnum {
    COMPLETED, INCOMPLETE, FAILED, IN_PROGRESS;

    /** The status with this wire name; IllegalArgumentException for an unknown one. */
    public static ResponseStatus fromWire(String name) {
        return WireEnum.lookup(values(), name)
                .orElseThrow(() -> new IllegalArgumentException("unknown response status '" + name + "'"));
    }
}
