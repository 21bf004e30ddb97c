package com.mka1.api.chat;

import java.util.Objects;

/**
 * A {@code chat.completion} with one choice.
 *
 * @param id               {@code chatcmpl_} + 32 hex
 * @param created          Unix seconds
 * @param model            the model that answered
 * @param content          the assistant message text
 * @param finishReason     "stop" or "length"
 * @param promptTokens     prompt tokens after the chat template
 * @param completionTokens generated tokens
 */
public record ChatCompletion(String id, long created, String model, String content, String finishReason,
                             int promptTokens, int completionTokens) {
    public ChatCompletion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(finishReason, "finishReason");
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
