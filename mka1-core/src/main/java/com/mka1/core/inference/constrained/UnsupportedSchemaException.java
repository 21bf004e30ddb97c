package com.mka1.core.inference.constrained;

/**
 * A JSON Schema that cannot be enforced: a keyword outside the supported subset, or a malformed or
 * unsatisfiable schema. {@link #location()} is a JSON pointer into the schema ({@code #/properties/zip}).
 */
public final class UnsupportedSchemaException extends IllegalArgumentException {
    private final String location;

    public UnsupportedSchemaException(String message, String location) {
        super(message + " (at " + location + ")");
        this.location = location;
    }

    public String location() {
        return location;
    }
}
