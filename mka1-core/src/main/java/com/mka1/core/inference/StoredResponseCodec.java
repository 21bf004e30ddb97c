package com.mka1.core.inference;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.InputMessage;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.JsonCodec;
import com.mka1.core.json.ResponseCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The on-disk form of a stored response: {@code {"end_user", "conversation": [{role, content}], "response"}}. */
final class StoredResponseCodec implements JsonCodec<StoredResponse> {
    static final StoredResponseCodec INSTANCE = new StoredResponseCodec();

    private StoredResponseCodec() {}

    @Override
    public void write(JsonGenerator g, StoredResponse stored) throws IOException {
        g.writeStartObject();
        if (stored.endUserId() == null) {
            g.writeNullField("end_user");
        } else {
            g.writeStringField("end_user", stored.endUserId());
        }
        g.writeArrayFieldStart("conversation");
        for (InputMessage m : stored.conversation()) {
            g.writeStartObject();
            g.writeStringField("role", m.role());
            g.writeStringField("content", m.content());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName("response");
        ResponseCodec.INSTANCE.write(g, stored.response());
        g.writeEndObject();
    }

    @Override
    public StoredResponse read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        List<InputMessage> conversation = new ArrayList<>();
        List<JsonValue> items = r.array("conversation");
        for (JsonValue item : items == null ? List.<JsonValue>of() : items) {
            FieldReader m = FieldReader.of(item, "conversation[]");
            conversation.add(new InputMessage(m.requiredString("role"), m.requiredString("content")));
        }
        return new StoredResponse(r.string("end_user"), conversation, ResponseCodec.INSTANCE.read(r.raw("response")));
    }
}
