package com.mka1.server.cli;

import com.mka1.core.compute.Backends;
import com.mka1.core.export.ExportFormat;
import com.mka1.core.export.GgufType;
import com.mka1.core.export.ModelExporter;
import com.mka1.spi.BackendOptions;
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
        ExportFormat format;
        GgufType type;
        try {
            format = ExportFormat.parse(o.has("format") ? o.get("format") : "gguf");
            type = GgufType.parse(o.has("type") ? o.get("type") : "f16");
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        String base = model.replaceAll("[^A-Za-z0-9._-]+", "-");
        Path output = Path.of(o.has("output") ? o.get("output") : switch (format) {
            case GGUF -> base + "." + type.wireName() + ".gguf";
            case GGUF_LORA -> base + ".lora." + type.wireName() + ".gguf";
            case HF -> base;
        }).toAbsolutePath().normalize();
        ModelExporter exporter = new ModelExporter(GenerateCommand.registry(context, model),
                () -> Backends.installed().open(o.get("backend"), BackendOptions.defaults()));
        context.err().println("exporting " + model + " as " + format.wireName() + (format == ExportFormat.HF ? "" : " " + type.wireName()));
        exporter.export(model, format, type, output);
        context.out().println(output);
        return 0;
    }
}
