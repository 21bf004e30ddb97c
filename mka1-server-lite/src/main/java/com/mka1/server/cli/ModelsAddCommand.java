package com.mka1.server.cli;

import com.mka1.core.LocalModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        String id = o.has("name") ? o.get("name") : LocalModels.idOfDirectory(source);
        LocalModels models = GenerateCommand.localModels(context, ModelsDirectory.resolve(context));
        Path target;
        try {
            target = models.add(source, id, o.get("base"));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        boolean adapter = Files.isRegularFile(target.resolve("adapter_config.json"));
        context.out().println((adapter ? "adapter " : "model ") + id + " is ready in " + target);
        return 0;
    }
}
