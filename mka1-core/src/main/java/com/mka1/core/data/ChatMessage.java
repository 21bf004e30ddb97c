package com.mka1.core.data;

import java.util.List;
import java.util.Objects;

/**
 * One message of a chat example, already validated. {@code content} is the text (list-of-parts
 * content joined), possibly empty for an assistant message that only calls tools.
 *
 * @param role       system, developer, user, assistant or tool
 * @param content    message text, never null ("" when absent)
 * @param toolCalls  assistant tool calls, empty when none
 * @param toolCallId for tool messages, the call answered; otherwise null
 * @param trainable  for assistant messages: weight 1 (true, the default) or 0 (false); false for other roles
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId, boolean trainable) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
    }

    public static ChatMessage of(String role, String content) {
        return new ChatMessage(role, content, List.of(), null, "assistant".equals(role));
    }
}
