package com.mka1.core;

import com.mka1.core.adapter.AdapterBase;
import com.mka1.core.adapter.UnsupportedAdapterException;
import com.mka1.core.compute.Backends;
import com.mka1.core.export.ExportFormat;
import com.mka1.core.export.UnsupportedExportException;
import com.mka1.core.export.GgufType;
import com.mka1.core.export.ModelExporter;
import com.mka1.core.inference.GenerationRequest;
import com.mka1.core.inference.GenerationResult;
import com.mka1.core.inference.ModelRoute;
import com.mka1.core.inference.SamplingSettings;
import com.mka1.core.inference.ServedModel;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.inference.StopSequences;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.registry.ModelRegistry;
import com.mka1.core.registry.hub.DownloadListener;
import com.mka1.core.registry.hub.HubDownloader;
import com.mka1.core.registry.tiny.Stories260k;
import com.mka1.core.storage.FileTrees;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.BackendUnavailableException;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A models directory on its own, without the job engine: raw completions from any of its models
 * (and the fine-tuned ones a data directory records), models pulled from a Hugging Face style
 * hub, model and PEFT adapter directories added, and exports (GGUF, GGUF LoRA, merged Hugging
 * Face directory). For tools that run beside a server on the same directories, such as the command line: it
 * reads the data directory but never writes there and never runs jobs.
 */
public final class LocalModels {
    private static final Logger log = LoggerFactory.getLogger(LocalModels.class);
    /** The public hub. */
    public static final URI DEFAULT_HUB = HubDownloader.DEFAULT_HUB;

    /**
     * A raw completion: the prompt as the tokenizer encodes it (BOS added as the tokenizer does, no
     * chat template), or as token ids when {@code promptIds} is given.
     *
     * @param model       a model id ({@code owner:name}, {@code ft:...})
     * @param prompt      the prompt text (ignored when {@code promptIds} is given)
     * @param promptIds   the prompt as token ids, or null
     * @param maxTokens   most tokens generated
     * @param temperature 0 for greedy decoding
     * @param topP        nucleus sampling mass, (0, 1]
     * @param seed        the sampling seed
     */
    public record CompletionRequest(String model, String prompt, int[] promptIds, int maxTokens, double temperature,
                                    double topP, long seed) {
        public CompletionRequest {
            Objects.requireNonNull(model, "model");
            if (prompt == null && promptIds == null) throw new IllegalArgumentException("a prompt or prompt ids are required");
        }
    }

    /** What a completion generated: its token ids (without the stop token) and their text. */
    public record Completion(int[] outputIds, String text) {}

    /** Progress of {@link #pull}, file by file, on the calling thread. */
    public interface PullListener {
        /** A file starts; {@code alreadyHave} bytes of it are on disk from an earlier, interrupted pull. */
        void fileStarted(String name, long size, long alreadyHave);

        /** Bytes of the file so far. */
        void progress(String name, long done, long size);

        /** The file is complete; {@code skipped} when it was already there. */
        void fileFinished(String name, boolean skipped);
    }

    private final ServedModelLoader loader;
    private final ModelRegistry registry;
    private final Path modelsDir;
    private final Supplier<ComputeDevice> devices;

    private LocalModels(ModelRegistry registry, Path modelsDir, Supplier<ComputeDevice> devices) {
        this.loader = new ServedModelLoader(registry, devices, false);
        this.registry = registry;
        this.modelsDir = modelsDir;
        this.devices = devices;
    }

    /**
     * The base models of {@code modelsDir} and the fine-tuned ones {@code dataDir} records, run
     * on {@code backend} (null: {@code MKA1_BACKEND}, else the best available).
     */
    public static LocalModels open(Path modelsDir, Path dataDir, String backend) {
        try {
            ModelRegistry registry = ModelRegistry.open(modelsDir, dataDir.resolve("models.json"));
            return new LocalModels(registry, modelsDir, () -> Backends.installed().open(backend, BackendOptions.defaults()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the models in " + modelsDir, e);
        }
    }

    /** Whether {@code model} answers here (the embedded model always does: it is written on first use). */
    public boolean has(String model) {
        return model.equals(Stories260k.ID) || registry.find(model).isPresent();
    }

    /**
     * Checks that the backend named {@code name} is installed and can run here, before any work
     * is done; throws {@link BackendUnavailableException} saying why not.
     */
    public static void requireBackend(String name) {
        Backends.installed().select(name, java.util.Map.of());
    }

    private void ensureEmbeddedModel() {
        Stories260k.ensure(modelsDir);
    }

    /** The id a model directory answers to when it sits directly in a models directory: {@code local:<name>}. */
    public static String idOfDirectory(Path modelDir) {
        return ModelRegistry.LOCAL_OWNER + ":" + modelDir.getFileName();
    }

    /** Generates a raw completion, passing each piece of text to {@code deltas} as it is decoded. */
    public Completion complete(CompletionRequest request, Consumer<String> deltas) {
        if (request.model().equals(Stories260k.ID)) {
            ensureEmbeddedModel(); // the embedded model needs no server run first
        }
        try (ServedModel served = loader.load(loader.route(request.model()))) {
            int[] prompt = request.promptIds() != null ? request.promptIds() : served.tokenizer().encode(request.prompt(), true);
            int eos = served.tokenizer().eosId();
            SamplingSettings sampling = new SamplingSettings(request.temperature(), request.topP(), 0, 1, request.seed());
            GenerationResult result = served.generator().generate(new GenerationRequest(prompt, request.maxTokens(), sampling,
                    eos < 0 ? new int[0] : new int[] {eos}, StopSequences.NONE), deltas);
            return new Completion(result.outputIds(), result.text());
        }
    }

    /** Where {@link #add} puts {@code id}: {@code local:<name>} directly in the models directory, else {@code <owner>/<name>}. */
    private Path directoryOf(String id) {
        String[] parts = id.split(":");
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank() || id.startsWith("ft:")) {
            throw new IllegalArgumentException("a model id to add must be OWNER:NAME, got '" + id + "'");
        }
        return parts[0].equals(ModelRegistry.LOCAL_OWNER) ? modelsDir.resolve(parts[1]) : modelsDir.resolve(parts[0]).resolve(parts[1]);
    }

    /**
     * Copies a model directory ({@code config.json} + safetensors) or a PEFT adapter directory
     * ({@code adapter_config.json} + {@code adapter_model.safetensors}) into the models directory
     * as {@code id} ({@code owner:name}). An adapter runs on {@code baseModel} when given (recorded
     * beside it), else on its {@code base_model_name_or_path}; it is loaded onto that base once, so
     * an adapter that would not be served exactly is refused by name and nothing is added.
     * Returns the new directory. IllegalArgumentException for a bad id, a taken id, or a directory
     * that holds neither.
     */
    public Path add(Path source, String id, String baseModel) throws IOException {
        boolean adapter = Files.isRegularFile(source.resolve("adapter_config.json"));
        if (!adapter && !Files.isRegularFile(source.resolve("config.json"))) {
            throw new IllegalArgumentException(source + " holds neither config.json (a model) nor adapter_config.json (a PEFT adapter)");
        }
        Path target = directoryOf(id);
        if (Files.exists(target)) throw new IllegalArgumentException(target + " already exists: the id " + id + " is taken");
        Files.createDirectories(target);
        try {
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            if (baseModel != null) AdapterBase.writeMapping(target, baseModel);
            if (adapter) {
                ModelRoute route = new ServedModelLoader(registry, devices, true).route(id);
                try (ComputeDevice device = devices.get(); LlamaModel loaded = ServedModelLoader.network(route, device)) {
                    log.info("adapter {} loads onto {} ({} layers)", id, route.weightsDir(), loaded.config().numLayers());
                }
            }
        } catch (IOException | RuntimeException e) {
            FileTrees.deleteTree(target);
            throw e;
        }
        return target;
    }

    /**
     * Exports {@code model} (base, fine-tuned, checkpoint or PEFT adapter) as {@code format}
     * ("gguf", "gguf-lora" or "hf") with GGUF element type {@code type} ("f16", "bf16", "q8_0",
     * "f32") to {@code output} (null: the model id made file-name-safe, then {@code .<type>.gguf},
     * {@code .lora.<type>.gguf} or nothing for "hf", in the working directory). Returns what was
     * written. IllegalArgumentException for an unknown format or type; InvalidRequestException
     * (code {@code model_not_exportable}) naming why a model cannot be exported that way.
     */
    public Path export(String model, String format, String type, Path output) throws IOException {
        ExportFormat f = ExportFormat.parse(format == null ? "gguf" : format);
        GgufType t = GgufType.parse(type == null ? "f16" : type);
        if (model.equals(Stories260k.ID)) ensureEmbeddedModel();
        Path target = (output != null ? output : Path.of(f.fileName(model, t))).toAbsolutePath().normalize();
        try {
            return new ModelExporter(registry, devices).export(model, f, t, target);
        } catch (UnsupportedExportException | UnsupportedAdapterException e) {
            throw ModelExporter.notExportable(model, f, e);
        }
    }

    /**
     * Downloads {@code repo} ({@code owner/name}) from {@code hub} into {@code <modelsDir>/owner/name},
     * where it answers to {@code owner:name}; resumable and checksummed. {@code token}: a hub token
     * for gated models, or null. Returns the model's directory.
     */
    public static Path pull(String repo, Path modelsDir, URI hub, String token, PullListener listener) {
        return new HubDownloader(hub, token).pull(repo, modelsDir, new DownloadListener() {
            @Override
            public void fileStarted(String name, long size, long alreadyHave) {
                listener.fileStarted(name, size, alreadyHave);
            }

            @Override
            public void progress(String name, long done, long size) {
                listener.progress(name, done, size);
            }

            @Override
            public void fileFinished(String name, boolean skipped) {
                listener.fileFinished(name, skipped);
            }
        });
    }
}
