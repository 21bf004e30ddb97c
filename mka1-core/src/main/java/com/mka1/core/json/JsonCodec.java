package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;

import java.io.IOException;

/**
 * Writes one API type as JSON and reads it back from a parsed tree.
 * {@link #read} throws {@link com.mka1.api.InvalidRequestException} naming the bad field.
 */
public interface JsonCodec<T> {
    void write(JsonGenerator out, T value) throws IOException;

    T read(JsonValue json);
}
