package com.mka1.core.inference;

import com.mka1.api.NotFoundException;
import com.mka1.api.InvalidRequestException;
import com.mka1.core.adapter.AdapterBase;
import com.mka1.core.adapter.AdapterConfig;
import com.mka1.core.adapter.AdapterMerge;
import com.mka1.core.adapter.UnsupportedAdapterException;
import com.mka1.core.model.LlamaConfig;
import com.mka1.core.model.TrainableWeights;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.model.LoraSpec;
import com.mka1.core.model.PeftAdapter;
import com.mka1.core.registry.ModelKind;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.RegisteredModel;
import com.mka1.core.tokenizer.BpeTokenizer;
import com.mka1.core.tokenizer.ChatTemplates;
import com.mka1.core.tokenizer.Tokenizers;
import com.mka1.spi.ComputeDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns model ids into {@link ModelRoute}s and loads them: base models from their directory,
 * fully fine-tuned models from their own weights, LoRA fine-tunes and PEFT adapters of the models
 * directory as their base with the adapter applied: plain LoRA unmerged and shared (or merged when
 * configured), any other variant (rsLoRA, DoRA, patterns, partial layers, saved modules) folded
 * into a private copy by {@link AdapterMerge}. Each loaded model gets its
 * own compute device.
 */
public final class ServedModelLoader {
    private final ModelRegistry registry;
    private final Supplier<ComputeDevice> devices;
    private final boolean mergeAdapters;

    /**
     * @param devices       opens a compute device for a model being loaded
     * @param mergeAdapters fold LoRA adapters into a private copy of the base instead of sharing it
     */
    public ServedModelLoader(ModelRegistry registry, Supplier<ComputeDevice> devices, boolean mergeAdapters) {
        this.registry = registry;
        this.devices = devices;
        this.mergeAdapters = mergeAdapters;
    }

    /** How {@code modelId} is served; NotFoundException (param "model") when no model has that id. */
    public ModelRoute route(String modelId) {
        RegisteredModel model = find(modelId);
        Path dir = model.dir();
        boolean adapter = Files.isRegularFile(dir.resolve(PeftAdapter.CONFIG_FILE));
        if (model.kind() == ModelKind.BASE && !adapter) {
            return new ModelRoute(modelId, modelId, dir, null, null, false, dir);
        }
        if (adapter) {
            AdapterConfig config = readAdapter(modelId, dir);
            RegisteredModel base = model.kind() == ModelKind.BASE ? adapterBase(modelId, dir, config) : find(model.baseModel());
            if (Files.isRegularFile(base.dir().resolve(PeftAdapter.CONFIG_FILE))) {
                throw new InvalidRequestException("Model '" + modelId + "' is a LoRA adapter on '" + base.id()
                        + "', itself a LoRA adapter; serving stacked adapters is not supported.", "model", "model_not_servable");
            }
            Path tokenizer = tokenizerDir(dir, base.dir());
            LlamaConfig baseConfig = LlamaConfig.load(base.dir());
            Optional<LoraSpec> slots = config.uniformSpec(baseConfig.numLayers(), baseConfig.traits().fusedProjections());
            if (slots.isEmpty()) {
                return new ModelRoute(modelId, modelId, base.dir(), null, dir, true, tokenizer); // folded in at load
            }
            LoraSpec spec = slots.get();
            if (mergeAdapters) {
                return new ModelRoute(modelId, modelId, base.dir(), spec, dir, true, tokenizer);
            }
            // adapters share one loaded base when their slots have the same shapes (trained token ids included)
            String shared = base.id() + "+lora(r=" + spec.rank() + ",alpha=" + spec.alpha() + "," + spec.targets()
                    + (spec.trainableTokens().isEmpty() ? "" : ",tokens=" + spec.trainableTokens()) + ")";
            return new ModelRoute(modelId, shared, base.dir(), spec, dir, false, tokenizer);
        }
        Path baseDir = model.baseModel() == null ? dir : registry.find(model.baseModel()).map(RegisteredModel::dir).orElse(dir);
        return new ModelRoute(modelId, modelId, dir, null, null, false, tokenizerDir(dir, baseDir));
    }

    private static AdapterConfig readAdapter(String modelId, Path dir) {
        try {
            return AdapterConfig.read(dir);
        } catch (UnsupportedAdapterException e) {
            throw notServable(modelId, e);
        }
    }

    private RegisteredModel adapterBase(String modelId, Path dir, AdapterConfig config) {
        try {
            return AdapterBase.resolve(registry, dir, config).orElseThrow(() -> new InvalidRequestException("Model '" + modelId
                    + "' is a LoRA adapter for the base model " + AdapterBase.describe(dir, config)
                    + ", which is not a base model of the models directory; add that model, or map the adapter with 'mka1 models add --base'.",
                    "model", "model_not_servable"));
        } catch (UnsupportedAdapterException e) {
            throw notServable(modelId, e);
        }
    }

    private static InvalidRequestException notServable(String modelId, UnsupportedAdapterException e) {
        return new InvalidRequestException("Model '" + modelId + "' cannot be served: " + e.getMessage(), "model", "model_not_servable");
    }

    /** Loads what {@code route} describes onto a new device. */
    public ServedModel load(ModelRoute route) {
        ComputeDevice device = devices.get();
        LlamaModel model = null;
        try {
            model = network(route, device);
            BpeTokenizer tokenizer = Tokenizers.load(route.tokenizerDir());
            return new ServedModel(route.key(), model, tokenizer, ChatTemplates.load(route.tokenizerDir(), tokenizer),
                    route.activeAdapter());
        } catch (RuntimeException | Error e) {
            if (model != null) model.close(); // a bad adapter or tokenizer: free the weights before their device
            device.close();
            throw e;
        }
    }

    /** The network of {@code route} on {@code device}, its adapter applied (folded in unless served unmerged). */
    public static LlamaModel network(ModelRoute route, ComputeDevice device) {
        TrainableWeights slots = route.lora() == null ? new TrainableWeights.Frozen() : new TrainableWeights.Lora(route.lora());
        LlamaModel model = LlamaModel.load(route.weightsDir(), device, slots, false);
        try {
            if (route.adapterDir() != null && route.lora() == null) {
                try {
                    AdapterMerge.apply(model, route.adapterDir());
                } catch (UnsupportedAdapterException e) {
                    throw notServable(route.modelId(), e);
                }
            } else if (route.adapterDir() != null) {
                PeftAdapter.load(model, route.adapterDir());
                if (route.merged()) {
                    model.mergeLora();
                }
            }
            return model;
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private RegisteredModel find(String modelId) {
        if (modelId == null) {
            throw new NotFoundException("The model is missing.", "model", "model_not_found");
        }
        return registry.find(modelId).orElseThrow(() -> new NotFoundException("The model '" + modelId + "' does not exist.",
                "model", "model_not_found"));
    }

    private static Path tokenizerDir(Path preferred, Path fallback) {
        return Files.isRegularFile(preferred.resolve("tokenizer.json")) ? preferred : fallback;
    }
}
