package com.mka1.core.train.llama;

import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.PeftAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a model being trained as a directory other tools can load: for LoRA a PEFT adapter
 * ({@code adapter_config.json} with {@code base_model_name_or_path} = the base model directory,
 * {@code adapter_model.safetensors}); for full fine-tuning {@code model.safetensors} with the
 * base's {@code config.json}. Both get the base's tokenizer files, so the directory carries its
 * chat template and special tokens.
 */
final class ModelOutput {
    private static final List<String> COPIED = List.of("tokenizer.json", "tokenizer_config.json", "chat_template.jinja",
            "special_tokens_map.json", "generation_config.json");

    private final LlamaModel model;
    private final Path baseModelDir;

    ModelOutput(LlamaModel model, Path baseModelDir) {
        this.model = model;
        this.baseModelDir = baseModelDir.toAbsolutePath().normalize();
    }

    void export(Path dir) throws IOException {
        try {
            if (model.trainableWeights() instanceof TrainableWeights.Lora) {
                PeftAdapter.save(model, dir, baseModelDir.toString());
            } else {
                model.saveWeights(dir.resolve("model.safetensors"));
                Files.copy(baseModelDir.resolve("config.json"), dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (String name : COPIED) {
            Path source = baseModelDir.resolve(name);
            if (Files.isRegularFile(source)) Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
