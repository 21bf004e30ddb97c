package com.mka1.core.tokenizer;

import com.mka1.core.data.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * ChatML as Qwen2.5 and SmolLM2 use it: {@code <|im_start|>ROLE\nCONTENT<|im_end|>\n} per turn,
 * tools in the system turn, tool results as a user turn of {@code <tool_response>} blocks.
 * Without {@code <|im_start|>}/{@code <|im_end|>} in the vocabulary (the fallback for models with
 * no template), {@code <|im_start|>} is plain text and every turn ends with EOS instead of
 * {@code <|im_end|>}.
 */
final class ChatMlTemplate extends PartsChatTemplate {
    static final String START = "<|im_start|>";
    static final String END = "<|im_end|>";

    private final int startId;
    private final int endId;
    private final String endToken;

    ChatMlTemplate(BpeTokenizer tokenizer) {
        super(tokenizer);
        int start = tokenizer.tokenId(START);
        int end = tokenizer.tokenId(END);
        if (start >= 0 && end >= 0) {
            startId = start;
            endId = end;
            endToken = END;
        } else {
            if (tokenizer.eosId() < 0) {
                throw new TokenizerFormatException("the ChatML fallback needs an EOS token (eos_token in tokenizer_config.json) "
                        + "because the vocabulary has no " + END);
            }
            startId = -1;
            endId = tokenizer.eosId();
            endToken = tokenizer.token(endId);
        }
    }

    /** Whether the markers are real special tokens (false: the plain-text fallback). */
    boolean usesMarkerTokens() {
        return startId >= 0;
    }

    @Override
    public String name() {
        return "chatml";
    }

    @Override
    public int[] stopTokenIds() {
        return distinctIds(endId, tokenizer.eosId());
    }

    @Override
    ChatParts layout(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        ChatParts parts = new ChatParts();
        List<ChatMessage> rest = new ArrayList<>(messages);
        boolean tools = ToolText.hasTools(toolsJson);
        if (tools || (!rest.isEmpty() && isSystem(rest.getFirst()))) {
            String system = !rest.isEmpty() && isSystem(rest.getFirst()) ? rest.removeFirst().content() : "";
            if (tools) {
                system = system.isEmpty() ? ToolText.toolsBlock(toolsJson) : system + "\n\n" + ToolText.toolsBlock(toolsJson);
            }
            turn(parts, "system", system, false);
        }
        for (int i = 0; i < rest.size(); i++) {
            ChatMessage m = rest.get(i);
            switch (m.role()) {
                case "system", "developer", "user" -> turn(parts, isSystem(m) ? "system" : "user", m.content(), false);
                case "assistant" -> assistant(parts, m);
                case "tool" -> {
                    // consecutive tool results share one user turn
                    StringBuilder results = new StringBuilder(ToolText.toolResponse(m.content()));
                    while (i + 1 < rest.size() && "tool".equals(rest.get(i + 1).role())) {
                        results.append('\n').append(ToolText.toolResponse(rest.get(++i).content()));
                    }
                    turn(parts, "user", results.toString(), false);
                }
                default -> throw unknownRole(m);
            }
        }
        if (addGenerationPrompt) {
            header(parts, "assistant");
        }
        return parts;
    }

    private void header(ChatParts parts, String role) {
        if (startId >= 0) {
            parts.token(startId, START, false);
        } else {
            parts.text(START, false);
        }
        parts.text(role + "\n", false);
    }

    private void turn(ChatParts parts, String role, String content, boolean trainable) {
        header(parts, role);
        parts.text(content, trainable);
        parts.token(endId, endToken, trainable);
        parts.text("\n", false);
    }

    private void assistant(ChatParts parts, ChatMessage m) {
        StringBuilder body = new StringBuilder(m.content());
        for (var call : m.toolCalls()) {
            if (!body.isEmpty()) {
                body.append('\n');
            }
            body.append(ToolText.toolCall(call));
        }
        turn(parts, "assistant", body.toString(), trains(m));
    }
}
