package com.mka1.api.finetuning;

/** Kind of a job event: a plain message, or per-step metrics in {@code data}. */
public enum EventType {
    MESSAGE("message"), METRICS("metrics");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name. */
    public static EventType fromWire(String name) {
        for (EventType t : values()) if (t.wireName.equals(name)) return t;
        throw new IllegalArgumentException("unknown event type '" + name + "'");
    }
}
