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

    public static ExportFormat parse(String name) {
        for (ExportFormat f : values()) if (f.wireName().equalsIgnoreCase(name.strip())) return f;
        throw new IllegalArgumentException("unknown export format '" + name + "' (hf, gguf, gguf-lora)");
    }
}
