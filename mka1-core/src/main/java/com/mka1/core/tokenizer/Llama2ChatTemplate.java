package com.mka1.core.tokenizer;

import com.mka1.core.data.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama 2 chat: {@code <s>[INST] <<SYS>>\nSYSTEM\n<</SYS>>\n\nUSER [/INST] ANSWER </s>} per
 * exchange, contents stripped, as Meta's and Hugging Face's template. The system text (with the
 * tools block) goes into the next user turn; tool results are user turns of
 * {@code <tool_response>} blocks; tool calls are {@code <tool_call>} text in the answer. The answer,
 * its surrounding spaces and {@code </s>} are trainable.
 */
final class Llama2ChatTemplate extends PartsChatTemplate {
    private final int bos;
    private final int eos;

    Llama2ChatTemplate(BpeTokenizer tokenizer) {
        super(tokenizer);
        if (tokenizer.bosId() < 0 || tokenizer.eosId() < 0) {
            throw new TokenizerFormatException("the Llama 2 chat template needs bos_token and eos_token in tokenizer_config.json");
        }
        bos = tokenizer.bosId();
        eos = tokenizer.eosId();
    }

    @Override
    public String name() {
        return "llama2";
    }

    @Override
    public int[] stopTokenIds() {
        return new int[] {eos};
    }

    @Override
    ChatParts layout(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        ChatParts parts = new ChatParts();
        List<String> system = new ArrayList<>();
        String tools = ToolText.hasTools(toolsJson) ? ToolText.toolsBlock(toolsJson) : null;
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case "system", "developer" -> system.add(m.content().strip());
                case "user", "tool" -> {
                    String content = "tool".equals(m.role()) ? ToolText.toolResponse(m.content()) : m.content();
                    if (tools != null) {
                        system.add(tools);
                        tools = null;
                    }
                    if (!system.isEmpty()) {
                        content = "<<SYS>>\n" + String.join("\n\n", system) + "\n<</SYS>>\n\n" + content;
                        system.clear();
                    }
                    parts.token(bos, tokenizer.token(bos), false);
                    parts.text("[INST] " + content.strip() + " [/INST]", false);
                }
                case "assistant" -> {
                    StringBuilder body = new StringBuilder(m.content().strip());
                    for (var call : m.toolCalls()) {
                        body.append(body.isEmpty() ? "" : "\n").append(ToolText.toolCall(call));
                    }
                    parts.text(" " + body + " ", trains(m));
                    parts.token(eos, tokenizer.token(eos), trains(m));
                }
                default -> throw unknownRole(m);
            }
        }
        // the prompt already ends with " [/INST]" where the answer begins: nothing to add
        return parts;
    }
}
