package com.mka1.core.data;

import java.util.List;

/**
 * A supervised training example (one JSONL line).
 *
 * @param messages  the conversation
 * @param toolsJson the {@code tools} array as compact JSON text, or null when absent
 * @param line      1-based line number in its file (for error messages)
 */
public record ChatExample(List<ChatMessage> messages, String toolsJson, int line) {
    public ChatExample {
        messages = List.copyOf(messages);
    }
}
