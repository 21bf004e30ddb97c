package com.mka1.api.finetuning;

/** Severity of a job event. */
public enum EventLevel {
    INFO("info"), WARN("warn"), ERROR("error");

    private final String wireName;

    EventLevel(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name ("warning" is read as {@link #WARN}). */
    public static EventLevel fromWire(String name) {
        if ("warning".equals(name)) return WARN;
        for (EventLevel l : values()) if (l.wireName.equals(name)) return l;
        throw new IllegalArgumentException("unknown event level '" + name + "'");
    }
}
