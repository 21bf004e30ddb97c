package com.mka1.api.models;

/**
 * What {@code POST /models/{model}/export} writes ({@link ModelService#export}).
 *
 * @param format "gguf" (default: the whole model, adapters merged, one GGUF file for llama.cpp and
 *               Ollama), "gguf-lora" (a LoRA fine-tune's adapter as a llama.cpp LoRA GGUF) or "hf"
 *               (a zip of a Hugging Face model directory, adapters merged, that transformers loads)
 * @param type   the GGUF element type: "f16" (default), "bf16", "q8_0" or "f32"; ignored for "hf"
 */
public record ModelExportParams(String format, String type) {
    /** The defaults: a whole-model GGUF in F16. */
    public static final ModelExportParams DEFAULT = new ModelExportParams(null, null);

    public ModelExportParams {
        format = format == null ? "gguf" : format;
        type = type == null ? "f16" : type;
    }
}
