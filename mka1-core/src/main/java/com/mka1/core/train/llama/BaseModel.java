package com.mka1.core.train.llama;

import com.mka1.api.JsonValue;
import com.mka1.core.json.Json;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaConfig;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.model.UnsupportedModelException;
import com.mka1.core.safetensors.MissingTensorException;
import com.mka1.core.safetensors.SafetensorsFormatException;
import com.mka1.core.safetensors.TensorShapeException;
import com.mka1.core.tokenizer.BpeTokenizer;
import com.mka1.core.tokenizer.ChatTemplate;
import com.mka1.core.tokenizer.ChatTemplates;
import com.mka1.core.tokenizer.TokenizerFormatException;
import com.mka1.core.tokenizer.Tokenizers;
import com.mka1.core.tokenizer.UnsupportedTokenizerException;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.mka1.core.train.TrainingFailedException;
import com.mka1.core.train.TrainingSettings;

/**
 * The model a job starts from, with its config, tokenizer and chat template read (weights load
 * later, onto a device). It is either a model directory ({@code config.json} + safetensors) or a
 * PEFT adapter directory made by an earlier job, whose {@code base_model_name_or_path} names the
 * weights: training then continues that adapter.
 *
 * @param weightsDir the directory with config.json and the weights
 * @param adapterDir the adapter to continue, or null
 * @param name       the model id for messages
 */
record BaseModel(Path weightsDir, Path adapterDir, String name, LlamaConfig config, BpeTokenizer tokenizer,
                 ChatTemplate template) {

    static BaseModel open(Path dir, String id) throws TrainingFailedException {
        String name = id != null ? id : dir.toString();
        Path adapterDir = Files.isRegularFile(dir.resolve(PeftAdapter.CONFIG_FILE)) ? dir : null;
        Path weightsDir = adapterDir != null ? adapterBase(adapterDir, name) : dir;
        if (!Files.isRegularFile(weightsDir.resolve("config.json"))) {
            throw new TrainingFailedException("model_not_found", "model", "base model " + name + ": no config.json in " + weightsDir);
        }
        try {
            LlamaConfig config = LlamaConfig.load(weightsDir);
            BpeTokenizer tokenizer = Tokenizers.load(weightsDir);
            return new BaseModel(weightsDir, adapterDir, name, config, tokenizer, ChatTemplates.load(weightsDir, tokenizer));
        } catch (UnsupportedModelException | TokenizerFormatException | UnsupportedTokenizerException
                 | UncheckedIOException | IllegalArgumentException e) {
            throw unusable(name, e);
        }
    }

    /** EOS pads rows (it never carries loss there); 0 when the tokenizer has no EOS. */
    int padId() {
        return tokenizer.eosId() >= 0 ? tokenizer.eosId() : 0;
    }

    /**
     * The LoRA settings of the adapter this model continues (training goes on with its rank, alpha
     * and targets), or null for a model directory. An adapter can only be trained further with LoRA.
     */
    LoraSpec continuedAdapter(TrainingSettings requested) throws TrainingFailedException {
        if (adapterDir == null) return null;
        if (Boolean.TRUE.equals(requested.fullFineTune())) {
            throw new TrainingFailedException("invalid_hyperparameters", "hyperparameters.full_fine_tune",
                    "model " + name + " is a LoRA adapter: it can only be trained further with LoRA");
        }
        try {
            return PeftAdapter.readSpec(adapterDir);
        } catch (UnsupportedModelException | UncheckedIOException | IllegalArgumentException e) {
            throw unusable(name, e);
        }
    }

    /** Loads the weights (and the adapter being continued) onto {@code device}. */
    LlamaModel load(ComputeDevice device, TrainableWeights trainableWeights, boolean recompute) throws TrainingFailedException {
        LlamaModel model = null;
        try {
            model = LlamaModel.load(weightsDir, device, trainableWeights, recompute);
            if (adapterDir != null) PeftAdapter.load(model, adapterDir);
            return model;
        } catch (UnsupportedModelException | MissingTensorException | TensorShapeException | SafetensorsFormatException
                 | UncheckedIOException e) {
            if (model != null) model.close();
            throw unusable(name, e);
        }
    }

    private static Path adapterBase(Path adapterDir, String name) throws TrainingFailedException {
        Path file = adapterDir.resolve(PeftAdapter.CONFIG_FILE);
        try {
            JsonValue base = Json.parseObject(Files.readAllBytes(file), file.toString()).get("base_model_name_or_path");
            if (!(base instanceof JsonValue.Str(String path)) || path.isBlank()) {
                throw new TrainingFailedException("model_not_found", "model", "model " + name + ": " + file
                        + " has no base_model_name_or_path");
            }
            return adapterDir.resolve(path);
        } catch (IOException | IllegalArgumentException e) {
            throw new TrainingFailedException("model_not_found", "model", "model " + name + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static TrainingFailedException unusable(String name, RuntimeException e) {
        return new TrainingFailedException("model_not_found", "model", "base model " + name + " cannot be used: " + e.getMessage(), e);
    }
}
