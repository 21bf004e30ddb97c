package com.mka1.core.inference;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.responses.InputItem;
import com.mka1.core.json.InputItemCodec;
import com.mka1.core.json.FieldReader;
import com.mka1.core.json.JsonCodec;
import com.mka1.core.json.ResponseCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The on-disk form of a stored response: {@code {"end_user", "conversation": [items], "response"}}. */
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
        g.writeFieldName("conversation");
        InputItemCodec.writeAll(g, stored.conversation());
        g.writeFieldName("response");
        ResponseCodec.INSTANCE.write(g, stored.response());
        g.writeEndObject();
    }

    @Override
    public StoredResponse read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        List<InputItem> conversation = new ArrayList<>();
        List<JsonValue> items = r.array("conversation");
        for (JsonValue item : items == null ? List.<JsonValue>of() : items) {
            conversation.add(InputItemCodec.INSTANCE.read(item));
        }
        return new StoredResponse(r.string("end_user"), conversation, ResponseCodec.INSTANCE.read(r.raw("response")));
    }
}
