package com.mka1.core.tokenizer;

import com.mka1.core.data.ChatMessage;
import java.util.List;

/**
 * Llama 3 chat: {@code <|begin_of_text|>} then
 * {@code <|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT<|eot_id|>} per message, contents
 * trimmed. Tools are described in the system message; a tool call is the assistant content
 * {@code {"name": NAME, "parameters": ARGS}} (one per line), a tool result an {@code ipython} turn.
 */
final class Llama3ChatTemplate extends PartsChatTemplate {
    private static final String START_HEADER = "<|start_header_id|>";
    private static final String END_HEADER = "<|end_header_id|>";
    private static final String EOT = "<|eot_id|>";

    private final int startHeader;
    private final int endHeader;
    private final int eot;

    Llama3ChatTemplate(BpeTokenizer tokenizer) {
        super(tokenizer);
        startHeader = requireToken(START_HEADER, "Llama 3");
        endHeader = requireToken(END_HEADER, "Llama 3");
        eot = requireToken(EOT, "Llama 3");
    }

    @Override
    public String name() {
        return "llama3";
    }

    @Override
    public int[] stopTokenIds() {
        return distinctIds(eot, tokenizer.tokenId("<|eom_id|>"), tokenizer.eosId());
    }

    @Override
    ChatParts layout(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
        ChatParts parts = new ChatParts();
        if (tokenizer.bosId() >= 0) {
            parts.token(tokenizer.bosId(), tokenizer.token(tokenizer.bosId()), false);
        }
        boolean tools = ToolText.hasTools(toolsJson);
        int first = 0;
        if (tools || (!messages.isEmpty() && isSystem(messages.getFirst()))) {
            String system = !messages.isEmpty() && isSystem(messages.getFirst()) ? messages.getFirst().content().strip() : "";
            if (!messages.isEmpty() && isSystem(messages.getFirst())) {
                first = 1;
            }
            if (tools) {
                String block = toolsInstructions(toolsJson);
                system = system.isEmpty() ? block : system + "\n\n" + block;
            }
            message(parts, "system", system, false);
        }
        for (ChatMessage m : messages.subList(first, messages.size())) {
            switch (m.role()) {
                case "system", "developer" -> message(parts, "system", m.content().strip(), false);
                case "user" -> message(parts, "user", m.content().strip(), false);
                case "tool" -> message(parts, "ipython", m.content().strip(), false);
                case "assistant" -> {
                    StringBuilder body = new StringBuilder(m.content().strip());
                    for (var call : m.toolCalls()) {
                        body.append(body.isEmpty() ? "" : "\n")
                                .append("{\"name\": \"").append(call.name()).append("\", \"parameters\": ")
                                .append(call.arguments().strip()).append('}');
                    }
                    message(parts, "assistant", body.toString(), trains(m));
                }
                default -> throw unknownRole(m);
            }
        }
        if (addGenerationPrompt) {
            header(parts, "assistant");
        }
        return parts;
    }

    /** Llama 3.1's wording for JSON function calling, with the tools as given. */
    private static String toolsInstructions(String toolsJson) {
        return "You have access to the following functions. To call a function, respond with JSON of the form "
                + "{\"name\": function name, \"parameters\": dictionary of argument name and its value}. Do not use variables.\n\n"
                + toolsJson.strip();
    }

    @Override
    public ToolCallSyntax toolCallSyntax() {
        return ToolCallSyntax.LLAMA3_JSON;
    }

    private void header(ChatParts parts, String role) {
        parts.token(startHeader, START_HEADER, false);
        parts.text(role, false);
        parts.token(endHeader, END_HEADER, false);
        parts.text("\n\n", false);
    }

    private void message(ChatParts parts, String role, String content, boolean trainable) {
        header(parts, role);
        parts.text(content, trainable);
        parts.token(eot, EOT, trainable);
    }
}
