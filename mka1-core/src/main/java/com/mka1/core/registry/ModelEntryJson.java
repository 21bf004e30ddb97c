package com.mka1.core.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.core.json.FieldReader;

import java.io.IOException;
import java.nio.file.Path;

/** The fields of a registered model that every node agrees on (all but its directory), as JSON. */
final class ModelEntryJson {
    private ModelEntryJson() {}

    static void writeFields(JsonGenerator g, RegisteredModel m) throws IOException {
        g.writeStringField("id", m.id());
        g.writeNumberField("created", m.created());
        g.writeStringField("owned_by", m.ownedBy());
        g.writeStringField("kind", m.kind().wireName());
        g.writeStringField("base_model", m.baseModel());
        g.writeStringField("job_id", m.jobId());
    }

    static RegisteredModel read(FieldReader r, Path dir) {
        return new RegisteredModel(r.requiredString("id"), dir, r.longValue("created"), r.requiredString("owned_by"),
                ModelKind.fromWire(r.requiredString("kind")), r.string("base_model"), r.string("job_id"));
    }
}
