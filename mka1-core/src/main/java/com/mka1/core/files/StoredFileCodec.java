package com.mka1.core.files;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.FileObjectCodec;
import com.mka1.core.json.JsonCodec;

import java.io.IOException;

/** On-disk metadata: {@code {"file": {...}, "owner", "seq"}}. */
final class StoredFileCodec implements JsonCodec<StoredFile> {
    static final StoredFileCodec INSTANCE = new StoredFileCodec();

    @Override
    public void write(JsonGenerator g, StoredFile f) throws IOException {
        g.writeStartObject();
        g.writeFieldName("file");
        FileObjectCodec.INSTANCE.write(g, f.file());
        if (f.owner() == null) g.writeNullField("owner");
        else g.writeStringField("owner", f.owner());
        g.writeNumberField("seq", f.seq());
        g.writeEndObject();
    }

    @Override
    public StoredFile read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        return new StoredFile(FileObjectCodec.INSTANCE.read(r.raw("file")), r.string("owner"), r.longValue("seq"));
    }
}
