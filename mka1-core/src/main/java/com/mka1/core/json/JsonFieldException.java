package com.mka1.core.json;

/** A JSON document that does not have the expected shape; {@link #field()} names the offending field path. */
@Deprecated(forRemoval = true) // interim helper until every caller uses InvalidRequestException (from FieldReader)
public final class JsonFieldException extends RuntimeException {
    private final String field;

    public JsonFieldException(String field, String message) {
        super(field == null ? message : "'" + field + "': " + message);
        this.field = field;
    }

    /** The field path ("input[2].role"), or null for the whole document. */
    public String field() {
        return field;
    }
}
