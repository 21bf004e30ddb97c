package com.mka1.api;

/** Order of a list by creation time. */
public enum SortOrder implements WireEnum {
    ASC, DESC;

    /** Parses a wire name; an unknown name is an {@link InvalidRequestException} on {@code order}. */
    public static SortOrder fromWire(String name) {
        return WireEnum.lookup(values(), name).orElseThrow(() -> new InvalidRequestException(
                "Invalid 'order': expected 'asc' or 'desc', got '" + name + "'", "order", null));
    }
}
