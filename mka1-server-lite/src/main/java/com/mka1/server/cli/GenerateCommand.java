package com.mka1.server.cli;

import com.mka1.api.JsonValue;
import com.mka1.core.LocalModels;
import com.mka1.core.json.Json;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
        Path dir = Path.of(model);
        boolean directory = Files.isDirectory(dir);
        String id = directory ? LocalModels.idOfDirectory(dir) : model;
        Path modelsDir = directory ? dir.toAbsolutePath().getParent() : ModelsDirectory.resolve(context);
        LocalModels models = localModels(context, modelsDir);
        int[] promptIds = o.has("prompt-ids") ? ids(o.get("prompt-ids")) : null;
        LocalModels.CompletionRequest request = new LocalModels.CompletionRequest(id, promptIds == null ? o.required("prompt") : null,
                promptIds, maxTokens, number(o, "temperature", 0), number(o, "top-p", 1),
                o.has("seed") ? Long.parseLong(o.get("seed")) : System.nanoTime());
        PrintStream out = context.out();
        if (o.bool("print-ids")) {
            LocalModels.Completion completion = models.complete(request, delta -> { });
            out.println(Arrays.stream(completion.outputIds()).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        } else {
            models.complete(request, delta -> {
                out.print(delta);
                out.flush();
            });
            out.println();
        }
        return 0;
    }

    /** The models of {@code modelsDir}, and the fine-tuned ones the data directory records, on {@code --backend}. */
    static LocalModels localModels(CommandContext context, Path modelsDir) {
        Options o = context.options();
        String data = o.get("data-dir") != null ? o.get("data-dir") : context.env().getOrDefault("MKA1_DATA_DIR", "work-data");
        try {
            return LocalModels.open(modelsDir, Path.of(data), o.get("backend"));
        } catch (UncheckedIOException e) {
            throw new CliException("cannot read the models in " + modelsDir + ": " + e.getCause().getMessage());
        }
    }

    private int viaServer(CommandContext context) {
        Options o = context.options();
        Map<String, JsonValue> body = new LinkedHashMap<>();
        body.put("model", new JsonValue.Str(o.required("model")));
        body.put("input", new JsonValue.Str(o.required("prompt")));
        body.put("max_output_tokens", JsonValue.Num.of(o.integer("max-tokens") == null ? 64 : o.integer("max-tokens")));
        body.put("temperature", Json.number(number(o, "temperature", 0)));
        if (o.has("seed")) {
            body.put("seed", JsonValue.Num.of(Long.parseLong(o.get("seed"))));
        }
        JsonValue.Obj response = JsonText.parseObject(context.client().postJson("/responses",
                JsonText.write(new JsonValue.Obj(body))).body(), "the response");
        StringBuilder text = new StringBuilder();
        if (response.get("output") instanceof JsonValue.Arr(List<JsonValue> items)) {
            for (JsonValue item : items) {
                if (item instanceof JsonValue.Obj m && m.get("content") instanceof JsonValue.Arr(List<JsonValue> parts)) {
                    parts.forEach(p -> text.append(Json.text(((JsonValue.Obj) p).get("text"))));
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
