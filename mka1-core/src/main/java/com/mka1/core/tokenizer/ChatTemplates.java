package com.mka1.core.tokenizer;

import com.mka1.core.data.ChatMessage;
import com.mka1.core.jinja.JinjaException;
import com.mka1.core.jinja.PyStrftime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's chat template: its own {@code chat_template} (tokenizer_config.json, string or named
 * list, or chat_template.jinja) rendered by {@link JinjaChatTemplate}; a model that ships none gets
 * a built-in template (ChatML, or its plain-text fallback; see docs/tokenizer.md). Every id in
 * generation_config.json's {@code eos_token_id} ends generation too.
 */
public final class ChatTemplates {
    private static final Logger LOG = LoggerFactory.getLogger(ChatTemplates.class);

    private ChatTemplates() {}

    /** The template for a model directory: its own when it ships one, else the built-in fallback. */
    public static ChatTemplate load(Path modelDir, BpeTokenizer tokenizer) {
        TokenizerConfig config = TokenizerConfig.read(modelDir);
        int[] generationEos = GenerationConfigEos.read(modelDir);
        if (config.chatTemplate() == null || config.chatTemplate().isBlank()) {
            return withStops(detect(null, tokenizer), generationEos);
        }
        Map<String, String> specialTokens = new LinkedHashMap<>();
        if (config.bosToken() != null) {
            specialTokens.put("bos_token", config.bosToken());
        }
        if (config.eosToken() != null) {
            specialTokens.put("eos_token", config.eosToken());
        }
        try {
            JinjaChatTemplate own = new JinjaChatTemplate(config.chatTemplate(), tokenizer, specialTokens, generationEos,
                    new PyStrftime(Clock.systemDefaultZone()));
            // a template that never mentions tools cannot render them: tool conversations take the built-in form
            return config.chatTemplate().contains("tool") ? own
                    : new ToolsByBuiltIn(own, withStops(detect(config.chatTemplate(), tokenizer), generationEos));
        } catch (JinjaException.Syntax e) {
            throw new TokenizerFormatException(modelDir + ": the chat template cannot be parsed: " + e.getMessage(), e);
        }
    }

    /** The built-in template for a model directory, ignoring the model's own Jinja (the family its text names, or ChatML). */
    public static ChatTemplate builtIn(Path modelDir, BpeTokenizer tokenizer) {
        return detect(TokenizerConfig.read(modelDir).chatTemplate(), tokenizer);
    }

    /**
     * The built-in template of the family a Jinja text belongs to: {@code <|start_header_id|>} means
     * Llama 3, {@code <|im_start|>} ChatML, {@code [INST]} Llama 2; null or unknown text gives the
     * ChatML fallback.
     */
    public static ChatTemplate detect(String chatTemplateText, BpeTokenizer tokenizer) {
        if (chatTemplateText == null || chatTemplateText.isBlank()) {
            LOG.debug("no chat template: using the ChatML fallback");
            return new ChatMlTemplate(tokenizer);
        }
        if (chatTemplateText.contains("<|start_header_id|>")) {
            return new Llama3ChatTemplate(tokenizer);
        }
        if (chatTemplateText.contains("<|im_start|>")) {
            return new ChatMlTemplate(tokenizer);
        }
        if (chatTemplateText.contains("[INST]")) {
            return new Llama2ChatTemplate(tokenizer);
        }
        LOG.warn("chat template of an unknown family: using the ChatML fallback");
        return new ChatMlTemplate(tokenizer);
    }

    /** ChatML (or its plain-text fallback when the vocabulary lacks the markers), regardless of the model's template. */
    public static ChatTemplate chatMl(BpeTokenizer tokenizer) {
        return new ChatMlTemplate(tokenizer);
    }

    private static ChatTemplate withStops(ChatTemplate template, int[] extra) {
        int[] own = template.stopTokenIds();
        int[] added = Arrays.stream(extra).filter(id -> Arrays.stream(own).noneMatch(o -> o == id)).distinct().toArray();
        return added.length == 0 ? template : new WithStopTokens(template, IntStream.concat(Arrays.stream(own), Arrays.stream(added)).toArray());
    }

    /**
     * A model's own template for plain chats and the built-in one of its family for conversations with
     * tools, tool calls or tool results (which the model's template ignores or cannot render); training
     * and serving both go through it, so a model is served in the form it was trained in.
     */
    private record ToolsByBuiltIn(ChatTemplate own, ChatTemplate builtIn) implements ChatTemplate {
        @Override
        public String name() {
            return own.name();
        }

        @Override
        public RenderedChat render(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
            boolean tools = ToolText.hasTools(toolsJson)
                    || messages.stream().anyMatch(m -> !m.toolCalls().isEmpty() || m.role().equals("tool"));
            return (tools ? builtIn : own).render(messages, toolsJson, addGenerationPrompt);
        }

        @Override
        public int[] stopTokenIds() {
            return own.stopTokenIds();
        }

        @Override
        public List<String> stopSequences() {
            return java.util.stream.Stream.concat(own.stopSequences().stream(), builtIn.stopSequences().stream())
                    .distinct().toList();
        }

        @Override
        public ToolCallSyntax toolCallSyntax() {
            return builtIn.toolCallSyntax();
        }
    }

    /** A built-in template whose generation also stops at generation_config.json's end ids. */
    private record WithStopTokens(ChatTemplate template, int[] stops) implements ChatTemplate {
        @Override
        public String name() {
            return template.name();
        }

        @Override
        public RenderedChat render(List<ChatMessage> messages, String toolsJson, boolean addGenerationPrompt) {
            return template.render(messages, toolsJson, addGenerationPrompt);
        }

        @Override
        public int[] stopTokenIds() {
            return stops.clone();
        }

        @Override
        public ToolCallSyntax toolCallSyntax() {
            return template.toolCallSyntax();
        }
    }
}
