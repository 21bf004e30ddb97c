package com.mka1.server.cli;

import com.mka1.core.compute.Backends;
import com.mka1.core.inference.GenerationRequest;
import com.mka1.core.inference.GenerationResult;
import com.mka1.core.inference.ModelRoute;
import com.mka1.core.inference.SamplingSettings;
import com.mka1.core.inference.ServedModel;
import com.mka1.core.inference.ServedModelLoader;
import com.mka1.core.inference.StopSequences;
import com.mka1.core.models.ModelRegistry;
import com.mka1.core.models.tiny.TinyModel;
import com.mka1.spi.BackendOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code mka1 generate}: a raw completion (no chat template; BOS as the tokenizer adds it) from
 * any model, in-process from {@code --models-dir} (or a model directory given as {@code --model}).
 * With {@code --server-url} it asks a running server instead, through {@code /responses}
 * (which applies the chat template: the server has no raw-completion endpoint).
 */
final class GenerateCommand implements Command {
    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "Generate a raw completion from a model (in-process, or against a server)";
    }

    @Override
    public List<String> flags() {
        return List.of("--model ID|DIR" + Command.REQUIRED, "--prompt TEXT", "--prompt-ids 1,13,300", "--max-tokens N", "--temperature T",
                "--top-p P", "--seed S", "--print-ids", "--models-dir DIR", "--data-dir DIR", "--backend NAME");
    }

    @Override
    public int run(CommandContext context) {
        Options o = context.options();
        if (o.has("server-url") && !o.has("models-dir")) {
            return viaServer(context);
        }
        String model = o.required("model");
        int maxTokens = o.integer("max-tokens") == null ? 64 : o.integer("max-tokens");
        double temperature = number(o, "temperature", 0);
        SamplingSettings sampling = new SamplingSettings(temperature, number(o, "top-p", 1), 0, 1,
                o.has("seed") ? Long.parseLong(o.get("seed")) : System.nanoTime());
        ModelRegistry registry = registry(context, model);
        String id = Files.isDirectory(Path.of(model)) ? ModelRegistry.LOCAL_OWNER + ":" + Path.of(model).getFileName() : model;
        ServedModelLoader loader = new ServedModelLoader(registry,
                () -> Backends.installed().open(o.get("backend"), BackendOptions.defaults()), false);
        ModelRoute route = loader.route(id);
        try (ServedModel served = loader.load(route)) {
            int[] prompt = o.has("prompt-ids") ? ids(o.get("prompt-ids"))
                    : served.tokenizer().encode(o.required("prompt"), true);
            int eos = served.tokenizer().eosId();
            GenerationRequest request = new GenerationRequest(prompt, maxTokens, sampling, eos < 0 ? new int[0] : new int[] {eos},
                    StopSequences.NONE);
            PrintStream out = context.out();
            if (o.bool("print-ids")) {
                GenerationResult result = served.generator().generate(request);
                out.println(Arrays.stream(result.outputIds()).mapToObj(Integer::toString).collect(Collectors.joining(",")));
            } else {
                served.generator().generate(request, delta -> {
                    out.print(delta);
                    out.flush();
                });
                out.println();
            }
        }
        return 0;
    }

    /** Base models of the models directory, and fine-tuned ones recorded in the data directory. */
    private static ModelRegistry registry(CommandContext context, String model) {
        Path dir = Path.of(model);
        Path modelsDir = Files.isDirectory(dir) ? dir.toAbsolutePath().getParent() : ModelsDirectory.resolve(context);
        String data = context.options().get("data-dir") != null ? context.options().get("data-dir")
                : context.env().getOrDefault("MKA1_DATA_DIR", "work-data");
        try {
            if (model.equals(TinyModel.ID)) {
                TinyModel.ensure(modelsDir); // the embedded model needs no server run first
            }
            return ModelRegistry.open(modelsDir, Path.of(data).resolve("models.json"));
        } catch (java.io.IOException e) {
            throw new CliException("cannot read the models in " + modelsDir + ": " + e.getMessage());
        }
    }

    private int viaServer(CommandContext context) {
        Options o = context.options();
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("model", o.required("model"));
        body.put("input", o.required("prompt"));
        body.put("max_output_tokens", o.integer("max-tokens") == null ? 64 : o.integer("max-tokens"));
        body.put("temperature", number(o, "temperature", 0));
        if (o.has("seed")) {
            body.put("seed", Long.parseLong(o.get("seed")));
        }
        Map<String, Object> response = PlainJson.parseObject(context.client().postJson("/responses", PlainJson.write(body)).body(), "the response");
        StringBuilder text = new StringBuilder();
        if (response.get("output") instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> m && m.get("content") instanceof List<?> parts) {
                    parts.forEach(p -> text.append(((Map<?, ?>) p).get("text")));
                }
            }
        }
        context.out().println(text);
        return 0;
    }

    private static double number(Options o, String flag, double fallback) {
        String value = o.get(flag);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new CliException("--" + flag + " must be a number, got '" + value + "'");
        }
    }

    static int[] ids(String list) {
        try {
            return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new CliException("--prompt-ids takes comma-separated token ids, got '" + list + "'");
        }
    }
}
