package com.mka1.core.inference;

import com.mka1.core.tokenizer.ChatTemplate;
import com.mka1.core.tokenizer.Tokenizer;
import java.util.Objects;

/**
 * A model ready to answer: its network, tokenizer and chat template. {@code onClose} frees what
 * loading allocated (device memory); {@code memoryBytes} counts it for the cache bound.
 */
public record ServedModel(String id, CausalLanguageModel model, Tokenizer tokenizer, ChatTemplate chatTemplate,
                          long memoryBytes, Runnable onClose) implements CachedModel {
    public ServedModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        Objects.requireNonNull(onClose, "onClose");
    }

    /** Ids that end an assistant turn: the template's end-of-turn tokens and EOS. */
    public int[] stopTokenIds() {
        int[] template = chatTemplate.stopTokenIds();
        int eos = tokenizer.eosId();
        for (int id : template) {
            if (id == eos) {
                return template.clone();
            }
        }
        if (eos < 0) {
            return template.clone();
        }
        int[] all = java.util.Arrays.copyOf(template, template.length + 1);
        all[template.length] = eos;
        return all;
    }

    public Generator generator() {
        return new Generator(model, tokenizer);
    }

    @Override
    public void close() {
        onClose.run();
    }
}
