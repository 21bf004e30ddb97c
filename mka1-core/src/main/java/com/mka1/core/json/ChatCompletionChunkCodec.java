package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.chat.ChatCompletionChunk;
import java.io.IOException;

/**
 * {@code {"id", "object": "chat.completion.chunk", "created", "model", "choices": [{"index": 0,
 * "delta": {"role"?, "content"?}, "finish_reason"}]}}; absent delta fields are left out.
 */
public final class ChatCompletionChunkCodec implements JsonCodec<ChatCompletionChunk> {
    public static final ChatCompletionChunkCodec INSTANCE = new ChatCompletionChunkCodec();

    private ChatCompletionChunkCodec() {}

    @Override
    public void write(JsonGenerator g, ChatCompletionChunk c) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", c.created());
        g.writeStringField("model", c.model());
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("delta");
        if (c.role() != null) {
            g.writeStringField("role", c.role());
        }
        if (c.content() != null) {
            g.writeStringField("content", c.content());
        }
        g.writeEndObject();
        ApiWriter.string(g, "finish_reason", c.finishReason());
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    @Override
    public ChatCompletionChunk read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        FieldReader choice = FieldReader.of(r.array("choices").getFirst(), "choices[0]");
        FieldReader delta = choice.child("delta");
        return new ChatCompletionChunk(r.requiredString("id"), r.longValue("created"), r.requiredString("model"),
                delta.string("role"), delta.string("content"), choice.string("finish_reason"));
    }
}
