package com.mka1.core.tokenizer;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a model's chat template from its {@code chat_template} text: {@code <|start_header_id|>}
 * means Llama 3, {@code <|im_start|>} ChatML, {@code [INST]} Llama 2. A model without a template,
 * or with one of another family, gets the ChatML fallback (see docs/tokenizer.md).
 */
public final class ChatTemplates {
    private static final Logger LOG = LoggerFactory.getLogger(ChatTemplates.class);

    private ChatTemplates() {}

    /** The template for a model directory, from its tokenizer_config.json (or chat_template.jinja). */
    public static ChatTemplate load(Path modelDir, BpeTokenizer tokenizer) {
        return detect(TokenizerConfig.read(modelDir).chatTemplate(), tokenizer);
    }

    /** The template family the Jinja text belongs to; null or unknown text gives the ChatML fallback. */
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
}
