package com.mka1.server.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code mka1 models export <model-id>}: writes a model of the models directory (base, fine-tuned,
 * checkpoint or PEFT adapter) as a GGUF file for llama.cpp and Ollama, a llama.cpp LoRA GGUF, or a
 * merged Hugging Face directory. Runs locally, no server needed ({@code llm models export} asks a
 * server instead).
 */
final class ModelsExportCommand implements Command {
    @Override
    public String name() {
        return "models export";
    }

    @Override
    public String summary() {
        return "Export a model as GGUF (llama.cpp, Ollama), a GGUF LoRA adapter or a merged Hugging Face directory";
    }

    @Override
    public List<String> flags() {
        return List.of("--model ID (or as the first argument)", "--format gguf|gguf-lora|hf (default gguf)",
                "--type f16|bf16|q8_0|f32 (GGUF element type, default f16)",
                "--output PATH (default <model>.<type>.gguf, <model>.lora.<type>.gguf or the directory <model>)",
                "--models-dir DIR", "--data-dir DIR", "--backend NAME");
    }

    @Override
    public String argumentFlag() {
        return "model";
    }

    @Override
    public int run(CommandContext context) throws Exception {
        Options o = context.options();
        String model = o.required("model");
        String format = o.has("format") ? o.get("format") : "gguf";
        String type = o.has("type") ? o.get("type") : "f16";
        context.err().println("exporting " + model + " as " + format + (format.equalsIgnoreCase("hf") ? "" : " " + type));
        Path written;
        try {
            written = GenerateCommand.localModels(context, ModelsDirectory.resolve(context))
                    .export(model, format, type, o.has("output") ? Path.of(o.get("output")) : null);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        context.out().println(written);
        return 0;
    }
}
