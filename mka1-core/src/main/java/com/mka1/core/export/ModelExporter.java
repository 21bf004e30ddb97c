package com.mka1.core.export;

import com.mka1.api.InvalidRequestException;
import com.mka1.core.inference.ModelRoute;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.model.LlamaConfig;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.safetensors.SafetensorsReader;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports any servable model id (base, fully fine-tuned, LoRA fine-tune, PEFT adapter of the
 * models directory, checkpoint) as a merged Hugging Face directory, a GGUF file, or, for adapters,
 * a llama.cpp LoRA GGUF. The model is loaded exactly as it is served, with its adapter folded in.
 */
public final class ModelExporter {
    private static final Logger LOG = LoggerFactory.getLogger(ModelExporter.class);
    /** Copied from the weights' directory into a merged export. */
    private static final List<String> CONFIG_FILES = List.of("config.json", "generation_config.json");
    /** Copied from the tokenizer's directory into a merged export. */
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "chat_template.jinja");

    private final ServedModelLoader loader;
    private final Supplier<ComputeDevice> devices;

    public ModelExporter(ModelRegistry registry, Supplier<ComputeDevice> devices) {
        this.loader = new ServedModelLoader(registry, devices, true);
        this.devices = devices;
    }

    /**
     * Writes {@code modelId} to {@code target}: a directory for {@link ExportFormat#HF}, a file
     * otherwise. {@code type} is the GGUF element type (ignored for HF, which keeps the weights'
     * own). Unknown ids throw NotFoundException; what cannot be exported UnsupportedExportException.
     */
    public Path export(String modelId, ExportFormat format, GgufType type, Path target) throws IOException {
        ModelRoute route = loader.route(modelId);
        if (format == ExportFormat.GGUF_LORA) {
            if (route.adapterDir() == null) {
                throw new UnsupportedExportException("model '" + modelId + "' is not a LoRA adapter; export it as gguf or hf");
            }
            GgufLoraExport.write(route.adapterDir(), LlamaConfig.load(route.weightsDir()), modelId, type, target);
        } else {
            try (ComputeDevice device = devices.get(); LlamaModel model = ServedModelLoader.network(route, device)) {
                if (format == ExportFormat.GGUF) {
                    GgufExport.write(model, route.tokenizerDir(), modelId, type, target);
                } else {
                    writeDirectory(model, route, target);
                }
            }
        }
        LOG.info("exported {} as {} to {}", modelId, format == ExportFormat.HF ? "hf" : format.wireName() + " " + type.wireName(), target);
        return target;
    }

    /** What a client sees when {@code modelId} cannot be exported as {@code format}: a 400 naming why. */
    public static InvalidRequestException notExportable(String modelId, ExportFormat format, RuntimeException why) {
        return new InvalidRequestException("Model '" + modelId + "' cannot be exported as " + format.wireName() + ": "
                + why.getMessage(), "format", "model_not_exportable");
    }

    private static void writeDirectory(LlamaModel model, ModelRoute route, Path dir) throws IOException {
        Files.createDirectories(dir);
        model.saveWeights(dir.resolve(SafetensorsReader.SINGLE_FILE));
        copy(route.weightsDir(), CONFIG_FILES, dir);
        copy(route.tokenizerDir(), TOKENIZER_FILES, dir);
    }

    private static void copy(Path from, List<String> names, Path to) throws IOException {
        for (String name : names) {
            Path source = from.resolve(name);
            if (Files.isRegularFile(source)) Files.copy(source, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
