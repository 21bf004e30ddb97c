package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.finetuning.EventLevel;
import com.mka1.api.finetuning.EventType;
import com.mka1.api.finetuning.JobEvent;

import java.io.IOException;

/**
 * {@code {"object": "fine_tuning.job.event", "id", "created_at", "level", "message", "type", "data"}};
 * {@code data} is left out when the event has none (the schema types it as an object).
 */
public final class JobEventCodec implements JsonCodec<JobEvent> {
    public static final JobEventCodec INSTANCE = new JobEventCodec();

    private JobEventCodec() {}

    @Override
    public void write(JsonGenerator g, JobEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("object", "fine_tuning.job.event");
        g.writeStringField("id", e.id());
        g.writeNumberField("created_at", e.createdAt());
        g.writeStringField("level", e.level().wireName());
        g.writeStringField("message", e.message());
        g.writeStringField("type", e.type().wireName());
        if (!(e.data() instanceof JsonValue.Null)) {
            g.writeFieldName("data");
            Json.writeValue(g, e.data());
        }
        g.writeEndObject();
    }

    @Override
    public JobEvent read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        JsonValue data = r.raw("data");
        return new JobEvent(r.requiredString("id"), r.longValue("created_at"), EventLevel.fromWire(r.requiredString("level")),
                r.requiredString("message"), EventType.fromWire(r.requiredString("type")), data);
    }
}
