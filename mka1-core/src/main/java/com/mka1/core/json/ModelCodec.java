package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.models.Model;
import java.io.IOException;

/** {@code {"id", "object": "model", "created", "owned_by"}}. */
public final class ModelCodec implements JsonCodec<Model> {
    public static final ModelCodec INSTANCE = new ModelCodec();

    private ModelCodec() {}

    @Override
    public void write(JsonGenerator g, Model m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", m.created());
        g.writeStringField("owned_by", m.ownedBy());
        g.writeEndObject();
    }

    @Override
    public Model read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        Long created = r.longValue("created");
        return new Model(r.requiredString("id"), created == null ? 0 : created, r.requiredString("owned_by"));
    }
}
