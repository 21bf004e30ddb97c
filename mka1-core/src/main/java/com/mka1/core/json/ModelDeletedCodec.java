package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.models.ModelDeleted;
import java.io.IOException;

/** {@code {"id", "object": "model", "deleted"}}. */
public final class ModelDeletedCodec implements JsonCodec<ModelDeleted> {
    public static final ModelDeletedCodec INSTANCE = new ModelDeletedCodec();

    private ModelDeletedCodec() {}

    @Override
    public void write(JsonGenerator g, ModelDeleted d) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", d.id());
        g.writeStringField("object", "model");
        g.writeBooleanField("deleted", d.deleted());
        g.writeEndObject();
    }

    @Override
    public ModelDeleted read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        return new ModelDeleted(r.requiredString("id"), Boolean.TRUE.equals(r.bool("deleted")));
    }
}
