package com.mka1.api.finetuning;

import com.mka1.api.WireEnum;

/** Severity of a job event. */
public enum EventLevel implements WireEnum {
    INFO, WARN, ERROR;

    /** Parses a wire name ("warning" is read as {@link #WARN}). */
    public static EventLevel fromWire(String name) {
        if ("warning".equals(name)) return WARN;
        return WireEnum.lookup(values(), name)
                .orElseThrow(() -> new IllegalArgumentException("unknown event level '" + name + "'"));
    }
}
