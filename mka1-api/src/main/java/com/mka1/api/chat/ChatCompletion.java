package com.mka1.api.chat;

import java.util.List;
import java.util.Objects;

/**
 * A {@code chat.completion} with one choice.
 *
 * @param id               {@code chatcmpl_} + 32 hex
 * @param created          Unix seconds
 * @param model            the model that answered
 * @param content          the assistant message text, or null when the message only calls tools
 * @param toolCalls        the message's tool calls, empty when none
 * @param finishReason     "stop", "length" or "tool_calls"
 * @param promptTokens     prompt tokens after the chat template
 * @param completionTokens generated tokens
 */
public record ChatCompletion(String id, long created, String model, String content, List<ChatToolCall> toolCalls,
                             String finishReason, int promptTokens, int completionTokens) {
    public ChatCompletion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /** A completion that answers in text only. */
    public ChatCompletion(String id, long created, String model, String content, String finishReason, int promptTokens,
                          int completionTokens) {
        this(id, created, model, Objects.requireNonNull(content, "content"), List.of(), finishReason, promptTokens,
                completionTokens);
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
