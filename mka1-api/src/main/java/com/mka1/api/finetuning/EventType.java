package com.mka1.api.finetuning;

import com.mka1.api.WireEnum;

/** Kind of a job event: a plain message, or per-step metrics in {@code data}. */
public enum EventType implements WireEnum {
    MESSAGE, METRICS;

    /** Parses a wire name. */
    public static EventType fromWire(String name) {
        return WireEnum.lookup(values(), name)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + name + "'"));
    }
}
