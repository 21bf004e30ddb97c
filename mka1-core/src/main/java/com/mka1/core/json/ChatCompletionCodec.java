package com.mka1.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mka1.api.JsonValue;
import com.mka1.api.chat.ChatCompletion;
import java.io.IOException;
import java.util.List;

/**
 * {@code {"id", "object": "chat.completion", "created", "model", "choices": [{"index": 0, "message":
 * {"role": "assistant", "content", "refusal": null, "tool_calls"?}, "logprobs": null, "finish_reason"}], "usage":
 * {"prompt_tokens", "completion_tokens", "total_tokens"}}} (refusal and logprobs are required, nullable).
 */
public final class ChatCompletionCodec implements JsonCodec<ChatCompletion> {
    public static final ChatCompletionCodec INSTANCE = new ChatCompletionCodec();

    private ChatCompletionCodec() {}

    @Override
    public void write(JsonGenerator g, ChatCompletion c) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("object", "chat.completion");
        g.writeNumberField("created", c.created());
        g.writeStringField("model", c.model());
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        ApiWriter.string(g, "content", c.content());
        g.writeNullField("refusal");
        if (!c.toolCalls().isEmpty()) {
            ChatToolCallCodec.write(g, c.toolCalls(), false);
        }
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", c.finishReason());
        g.writeEndObject();
        g.writeEndArray();
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", c.promptTokens());
        g.writeNumberField("completion_tokens", c.completionTokens());
        g.writeNumberField("total_tokens", c.totalTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    @Override
    public ChatCompletion read(JsonValue json) {
        FieldReader r = FieldReader.of(json, "");
        List<JsonValue> choices = r.array("choices");
        FieldReader choice = FieldReader.of(choices.getFirst(), "choices[0]");
        FieldReader message = choice.child("message");
        FieldReader usage = r.child("usage");
        return new ChatCompletion(r.requiredString("id"), r.longValue("created"), r.requiredString("model"),
                message.string("content"), ChatToolCallCodec.read(message), choice.requiredString("finish_reason"),
                usage.integer("prompt_tokens"), usage.integer("completion_tokens"));
    }
}
