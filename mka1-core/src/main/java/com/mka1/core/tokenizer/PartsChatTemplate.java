package com.mka1.core.tokenizer;

import com.mka1.core.data.ChatMessage;
import java.util.List;

/** A chat template that lays a conversation out as {@link ChatParts} and encodes them with its tokenizer. */
abstract sealed class PartsChatTemplate implements ChatTemplate permits ChatMlTemplate, Llama2ChatTemplate, Llama3ChatTemplate {
    protected final BpeTokenizer tokenizer;

    PartsChatTemplate(BpeTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    abstract ChatParts layout(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt);

    @Override
    public RenderedChat render(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        return layout(messages, toolsJson, addGenerationPrompt).encode(tokenizer);
    }

    /** The text the template produces (special tokens as their strings), for logs and tests. */
    String renderText(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        return layout(messages, toolsJson, addGenerationPrompt).renderedText();
    }

    /** Whether a message's content is trained on: assistant messages with weight 1. */
    static boolean trains(ChatMessage m) {
        return "assistant".equals(m.role()) && m.trainable();
    }

    /** developer is the OpenAI name for system. */
    static boolean isSystem(ChatMessage m) {
        return "system".equals(m.role()) || "developer".equals(m.role());
    }

    static IllegalArgumentException unknownRole(ChatMessage m) {
        return new IllegalArgumentException("message role \"" + m.role() + "\" is not one of system, developer, user, assistant, tool");
    }

    int requireToken(String token, String family) {
        int id = tokenizer.tokenId(token);
        if (id < 0) {
            throw new TokenizerFormatException("the " + family + " chat template needs the token " + token + ", which the vocabulary lacks");
        }
        return id;
    }

    static int[] distinctIds(int... ids) {
        return java.util.Arrays.stream(ids).filter(id -> id >= 0).distinct().toArray();
    }
}
