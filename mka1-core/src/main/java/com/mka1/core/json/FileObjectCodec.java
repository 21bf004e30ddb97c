package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.files.FileObject;
import com.mka1.api.files.FilePurpose;
import com.mka1.api.files.FileStatus;

import java.io.IOException;

/**
 * {@code {"id", "object": "file", "bytes", "created_at", "expires_at", "filename", "purpose", "status", "status_details"}};
 * {@code expires_at} and {@code status_details} are left out when unset (the schema types them as
 * an integer and a string).
 */
public final class FileObjectCodec implements JsonCodec<FileObject> {
    public static final FileObjectCodec INSTANCE = new FileObjectCodec();

    private FileObjectCodec() {}

    @Override
    public void write(JsonGenerator g, FileObject f) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", f.id());
        g.writeStringField("object", "file");
        g.writeNumberField("bytes", f.bytes());
        g.writeNumberField("created_at", f.createdAt());
        ApiWriter.optionalNumber(g, "expires_at", f.expiresAt());
        g.writeStringField("filename", f.filename());
        g.writeStringField("purpose", f.purpose().wireName());
        g.writeStringField("status", f.status().wireName());
        ApiWriter.optionalString(g, "status_details", f.statusDetails());
        g.writeEndObject();
    }

    @Override
    public FileObject read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        return new FileObject(r.requiredString("id"), r.longValue("bytes"), r.longValue("created_at"),
                r.longValue("expires_at"), r.requiredString("filename"), FilePurpose.fromWire(r.requiredString("purpose")),
                FileStatus.fromWire(r.requiredString("status")), r.string("status_details"));
    }
}
