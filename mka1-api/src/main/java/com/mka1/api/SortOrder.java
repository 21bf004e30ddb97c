package com.mka1.api;

/** Order of a list by creation time. */
public enum SortOrder {
    ASC("asc"), DESC("desc");

    private final String wireName;

    SortOrder(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name; an unknown name is an {@link InvalidRequestException} on {@code order}. */
    public static SortOrder fromWire(String name) {
        for (SortOrder o : values()) if (o.wireName.equals(name)) return o;
        throw new InvalidRequestException("Invalid 'order': expected 'asc' or 'desc', got '" + name + "'", "order", null);
    }
}
