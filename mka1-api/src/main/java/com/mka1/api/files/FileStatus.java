package com.mka1.api.files;

/** A file's processing status (deprecated by OpenAI, still sent): stored files are {@link #PROCESSED}. */
public enum FileStatus {
    UPLOADED("uploaded"), PROCESSED("processed"), ERROR("error");

    private final String wireName;

    FileStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name. */
    public static FileStatus fromWire(String name) {
        for (FileStatus s : values()) if (s.wireName.equals(name)) return s;
        throw new IllegalArgumentException("unknown file status '" + name + "'");
    }
}
