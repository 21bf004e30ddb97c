package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.files.FileDeleted;

import java.io.IOException;

/** {@code {"id", "object": "file", "deleted"}}. */
public final class FileDeletedCodec implements JsonCodec<FileDeleted> {
    public static final FileDeletedCodec INSTANCE = new FileDeletedCodec();

    private FileDeletedCodec() {}

    @Override
    public void write(JsonGenerator g, FileDeleted d) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", d.id());
        g.writeStringField("object", "file");
        g.writeBooleanField("deleted", d.deleted());
        g.writeEndObject();
    }

    @Override
    public FileDeleted read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        return new FileDeleted(r.requiredString("id"), Boolean.TRUE.equals(r.bool("deleted")));
    }
}
