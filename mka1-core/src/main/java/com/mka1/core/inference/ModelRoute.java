package com.mka1.core.inference;

import com.mka1.core.model.LoraSpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a model id is served: which weights to load (with or without LoRA slots), which adapter to
 * apply, where the tokenizer is, and the cache key the loaded model lives under. Fine-tuned LoRA
 * models that share a base and LoRA shape share one key (one base in memory) unless adapters are
 * merged.
 *
 * @param modelId      the id asked for
 * @param key          the model cache key
 * @param weightsDir   the directory whose config.json and safetensors are loaded
 * @param lora         LoRA slots to create, or null
 * @param adapterDir   the PEFT adapter to apply, or null; without {@code lora}, folded into the
 *                     weights by {@link com.mka1.core.adapter.AdapterMerge}
 * @param merged       whether the adapter is folded into the weights at load (then not swapped)
 * @param tokenizerDir where tokenizer.json and tokenizer_config.json are
 */
public record ModelRoute(String modelId, String key, Path weightsDir, LoraSpec lora, Path adapterDir, boolean merged,
                         Path tokenizerDir) {
    public ModelRoute {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(weightsDir, "weightsDir");
        Objects.requireNonNull(tokenizerDir, "tokenizerDir");
    }

    /** The adapter to put into the LoRA slots before each request (null for merged or plain models). */
    public Path activeAdapter() {
        return merged ? null : adapterDir;
    }
}
