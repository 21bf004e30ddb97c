package com.mka1.server.cli;

import com.mka1.core.adapter.AdapterBase;
import com.mka1.core.compute.Backends;
import com.mka1.core.inference.ModelRoute;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.model.LlamaModel;
import com.mka1.core.models.ModelRegistry;
import com.mka1.spi.BackendOptions;
import com.mka1.spi.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code mka1 models add <dir>}: copies a model directory (config.json + safetensors) or a PEFT
 * adapter directory (adapter_config.json + adapter_model.safetensors, e.g. trained with TRL/PEFT)
 * into the models directory as {@code --name owner:name} (default {@code local:<dir name>}). An
 * adapter's base comes from {@code --base ID}, else its {@code base_model_name_or_path}; the adapter
 * is loaded onto its base once to check that it is served exactly (unsupported settings are refused
 * by name and nothing is added).
 */
final class ModelsAddCommand implements Command {
    @Override
    public String name() {
        return "models add";
    }

    @Override
    public String summary() {
        return "Add a model or PEFT adapter directory to the models directory";
    }

    @Override
    public List<String> flags() {
        return List.of("--path DIR (or as the first argument)", "--name OWNER:NAME (default local:<dir name>)",
                "--base ID (an adapter's base model; default: its base_model_name_or_path)", "--models-dir DIR",
                "--data-dir DIR", "--backend NAME");
    }

    @Override
    public String argumentFlag() {
        return "path";
    }

    @Override
    public int run(CommandContext context) throws IOException {
        Options o = context.options();
        Path source = Path.of(o.required("path")).toAbsolutePath().normalize();
        boolean adapter = Files.isRegularFile(source.resolve("adapter_config.json"));
        if (!adapter && !Files.isRegularFile(source.resolve("config.json"))) {
            throw new CliException(source + " holds neither config.json (a model) nor adapter_config.json (a PEFT adapter)");
        }
        String id = o.has("name") ? o.get("name") : ModelRegistry.LOCAL_OWNER + ":" + source.getFileName();
        String[] parts = id.split(":");
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank() || id.startsWith("ft:")) {
            throw new CliException("--name must be OWNER:NAME, got '" + id + "'");
        }
        Path modelsDir = ModelsDirectory.resolve(context);
        Path target = parts[0].equals(ModelRegistry.LOCAL_OWNER) ? modelsDir.resolve(parts[1]) : modelsDir.resolve(parts[0]).resolve(parts[1]);
        if (Files.exists(target)) throw new CliException(target + " already exists: the id " + id + " is taken");
        copyFiles(source, target);
        try {
            if (o.has("base")) AdapterBase.writeMapping(target, o.get("base"));
            if (adapter) check(context, id, modelsDir);
        } catch (RuntimeException e) {
            deleteTree(target);
            throw e;
        }
        context.out().println((adapter ? "adapter " : "model ") + id + " is ready in " + target);
        return 0;
    }

    /** Loads the adapter onto its base as the server will, so a bad adapter is refused now. */
    private static void check(CommandContext context, String id, Path modelsDir) {
        ModelRegistry registry = GenerateCommand.registry(context, id);
        ServedModelLoader loader = new ServedModelLoader(registry,
                () -> Backends.installed().open(context.options().get("backend"), BackendOptions.defaults()), true);
        ModelRoute route = loader.route(id);
        try (ComputeDevice device = Backends.installed().open(context.options().get("backend"), BackendOptions.defaults());
             LlamaModel model = ServedModelLoader.network(route, device)) {
            context.err().println(id + ": LoRA adapter on " + route.weightsDir() + " (" + model.config().numLayers() + " layers) checked");
        }
    }

    private static void copyFiles(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
