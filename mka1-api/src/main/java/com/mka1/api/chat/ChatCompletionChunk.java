package com.mka1.api.chat;

import java.util.Objects;

/**
 * A {@code chat.completion.chunk} of a streamed chat completion: the first carries the role, the
 * middle ones text, the last the finish reason.
 *
 * @param id           the completion's id, equal in every chunk
 * @param created      Unix seconds
 * @param model        the model
 * @param role         "assistant" in the first chunk, else null
 * @param content      a piece of text, or null
 * @param finishReason "stop" or "length" in the last chunk, else null
 */
public record ChatCompletionChunk(String id, long created, String model, String role, String content, String finishReason) {
    public ChatCompletionChunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
    }
}
