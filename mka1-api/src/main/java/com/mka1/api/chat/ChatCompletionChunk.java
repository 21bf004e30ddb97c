package com.mka1.api.chat;

import java.util.List;
import java.util.Objects;

/**
 * A {@code chat.completion.chunk} of a streamed chat completion: the first carries the role, the
 * middle ones text, the last choice the finish reason; with {@code stream_options.include_usage}
 * a final chunk without choices carries the usage.
 *
 * @param id           the completion's id, equal in every chunk
 * @param created      Unix seconds
 * @param model        the model
 * @param role         "assistant" in the first chunk, else null
 * @param content      a piece of text, or null
 * @param toolCalls    tool calls of the delta (each whole, with its index), empty when none
 * @param finishReason "stop", "length" or "tool_calls" in the last chunk with a choice, else null
 * @param usage        the token counts in the usage chunk (which has no choice), else null
 */
public record ChatCompletionChunk(String id, long created, String model, String role, String content,
                                  List<ChatToolCall> toolCalls, String finishReason, Usage usage) {
    public ChatCompletionChunk {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
    }

    /** A chunk with one choice (no usage). */
    public ChatCompletionChunk(String id, long created, String model, String role, String content, String finishReason) {
        this(id, created, model, role, content, List.of(), finishReason, null);
    }

    /** The final usage chunk: no choice, the whole completion's token counts. */
    public static ChatCompletionChunk usage(String id, long created, String model, int promptTokens, int completionTokens) {
        return new ChatCompletionChunk(id, created, model, null, null, List.of(), null, new Usage(promptTokens, completionTokens));
    }

    /**
     * Token counts of a whole completion.
     *
     * @param promptTokens     prompt tokens after the chat template
     * @param completionTokens generated tokens
     */
    public record Usage(int promptTokens, int completionTokens) {
        public int totalTokens() {
            return promptTokens + completionTokens;
        }
    }
}
