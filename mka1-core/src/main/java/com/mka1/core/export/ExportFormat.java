package com.mka1.core.export;

import java.util.Locale;

/** What {@link ModelExporter} writes. */
public enum ExportFormat {
    /** A Hugging Face model directory (model.safetensors, config, tokenizer, chat template), adapters merged. */
    HF,
    /** One GGUF file of the whole model, adapters merged. */
    GGUF,
    /** A llama.cpp LoRA adapter GGUF, used with a GGUF of the base model. */
    GGUF_LORA;

    /** "hf", "gguf", "gguf-lora". */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The export's file (directory for HF) name: the model id made file-name-safe ("ft:local:x:y"
     * becomes "ft-local-x-y"), then {@code .<type>.gguf}, {@code .lora.<type>.gguf} or nothing.
     */
    public String fileName(String modelId, GgufType type) {
        String base = modelId.replaceAll("[^A-Za-z0-9._-]+", "-");
        return switch (this) {
            case HF -> base;
            case GGUF -> base + "." + type.wireName() + ".gguf";
            case GGUF_LORA -> base + ".lora." + type.wireName() + ".gguf";
        };
    }

    public static ExportFormat parse(String name) {
        for (ExportFormat f : values()) if (f.wireName().equalsIgnoreCase(name.strip())) return f;
        throw new IllegalArgumentException("unknown export format '" + name + "' (hf, gguf, gguf-lora)");
    }
}
