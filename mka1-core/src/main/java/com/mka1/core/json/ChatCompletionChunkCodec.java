package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.chat.ChatCompletionChunk;
import java.io.IOException;

/**
 * {@code {"id", "object": "chat.completion.chunk", "created", "model", "choices": [{"index": 0,
 * "delta": {"role"?, "content"?, "tool_calls"?}, "logprobs": null, "finish_reason"}]}}; absent delta fields are
 * left out. The usage chunk is {@code "choices": [], "usage": {...}}.
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
        if (c.usage() == null) {
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            if (c.role() != null) {
                g.writeStringField("role", c.role());
            }
            if (c.content() != null) {
                g.writeStringField("content", c.content());
            }
            if (!c.toolCalls().isEmpty()) {
                ChatToolCallCodec.write(g, c.toolCalls(), true);
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            ApiWriter.string(g, "finish_reason", c.finishReason());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (c.usage() != null) {
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", c.usage().promptTokens());
            g.writeNumberField("completion_tokens", c.usage().completionTokens());
            g.writeNumberField("total_tokens", c.usage().totalTokens());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    @Override
    public ChatCompletionChunk read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        FieldReader usage = r.child("usage");
        if (r.array("choices").isEmpty() && usage != null) {
            return ChatCompletionChunk.usage(r.requiredString("id"), r.longValue("created"), r.requiredString("model"),
                    usage.integer("prompt_tokens"), usage.integer("completion_tokens"));
        }
        FieldReader choice = FieldReader.of(r.array("choices").getFirst(), "choices[0]");
        FieldReader delta = choice.child("delta");
        return new ChatCompletionChunk(r.requiredString("id"), r.longValue("created"), r.requiredString("model"),
                delta.string("role"), delta.string("content"), ChatToolCallCodec.read(delta), choice.string("finish_reason"), null);
    }
}
