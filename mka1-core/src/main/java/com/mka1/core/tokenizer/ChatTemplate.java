package com.mka1.core.tokenizer;

import com.mka1.core.data.ChatMessage;
import java.util.List;

/** Formats a conversation the way a model family expects (ChatML, Llama 2 [INST], Llama 3 headers). */
public interface ChatTemplate {
    /** A short name: "chatml", "llama2", "llama3". */
    String name();

    /**
     * Renders messages (and tools JSON, may be null) to ids with a loss mask. With
     * {@code addGenerationPrompt} the text ends where the assistant's answer begins (inference).
     */
    RenderedChat render(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt);

    /** Token ids that end an assistant turn (used as stop tokens in generation). */
    int[] stopTokenIds();

    /** Text that ends an assistant turn where no token does (an end marker the vocabulary spells in pieces); stops generation too. */
    default List<String> stopSequences() {
        return List.of();
    }

    /** How this template writes an assistant's tool calls (parsed back, and constrained, when serving with tools). */
    default ToolCallSyntax toolCallSyntax() {
        return ToolCallSyntax.HERMES;
    }
}
