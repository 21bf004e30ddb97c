package com.mka1.core.inference;

import com.mka1.core.inference.constrained.StructuredOutputs;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.tokenizer.ChatTemplate;
import com.mka1.core.tokenizer.Tokenizer;
import com.mka1.spi.ComputeDevice;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A loaded model ready to answer, on its own compute device: the network, its tokenizer and chat
 * template. A model loaded with LoRA slots serves every fine-tuned model that shares its base and
 * LoRA shape: {@link #useAdapter} swaps the (small) adapter weights in place, unmerged, so many
 * fine-tuned models share one copy of the base in memory. Not thread-safe (the cache serialises use).
 */
public final class ServedModel implements CachedModel {
    private final String key;
    private final LlamaModel model;
    private final ComputeDevice device;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final long memoryBytes;
    private final StructuredOutputs structuredOutputs;
    private Path activeAdapter;

    /** @param activeAdapter the adapter already in the LoRA slots, or null */
    public ServedModel(String key, LlamaModel model, Tokenizer tokenizer, ChatTemplate chatTemplate, Path activeAdapter) {
        this.key = Objects.requireNonNull(key, "key");
        this.model = Objects.requireNonNull(model, "model");
        this.device = model.device();
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.chatTemplate = Objects.requireNonNull(chatTemplate, "chatTemplate");
        this.activeAdapter = activeAdapter;
        this.memoryBytes = device.memoryInfo().allocated();
        this.structuredOutputs = new StructuredOutputs(tokenizer);
    }

    /** The cache key: a model id, or a base plus LoRA shape shared by several fine-tuned models. */
    public String key() {
        return key;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /** The output formats compiled for this model's tokenizer (schemas seen recently keep their token masks). */
    public StructuredOutputs structuredOutputs() {
        return structuredOutputs;
    }

    public int contextLength() {
        return model.config().maxPositions();
    }

    /** Puts the adapter saved in {@code adapterDir} into the LoRA slots (no-op when it is already there). */
    public void useAdapter(Path adapterDir) {
        if (adapterDir != null && !adapterDir.equals(activeAdapter)) {
            PeftAdapter.load(model, adapterDir);
            activeAdapter = adapterDir;
        }
    }

    /** Ids that end an assistant turn: the template's end-of-turn tokens and EOS. */
    public int[] stopTokenIds() {
        int[] ids = chatTemplate.stopTokenIds();
        int eos = tokenizer.eosId();
        if (eos < 0 || Arrays.stream(ids).anyMatch(id -> id == eos)) {
            return ids.clone();
        }
        int[] all = Arrays.copyOf(ids, ids.length + 1);
        all[ids.length] = eos;
        return all;
    }

    /** The network as generation sees it. */
    public CausalLanguageModel languageModel() {
        return new LlamaLanguageModel(model);
    }

    public Generator generator() {
        return new Generator(languageModel(), tokenizer);
    }

    @Override
    public long memoryBytes() {
        return memoryBytes;
    }

    @Override
    public void close() {
        model.close();
        device.close();
    }
}
