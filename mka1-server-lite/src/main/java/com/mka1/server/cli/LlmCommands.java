package com.mka1.server.cli;

import com.mka1.api.JsonValue;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code mka1 llm ...} commands: one per API endpoint, named as in the MKA1 guide. */
final class LlmCommands {
    private static final String JOB_ID = "fine-tuning-job-id";
    private static final String JOB_FLAG = "--fine-tuning-job-id ID" + Command.REQUIRED;
    private static final String DEFAULT_PURPOSE = "fine-tune";

    private LlmCommands() {}

    static List<Command> all() {
        return List.of(
                new ApiCommand("llm files upload", "Upload a file (multipart, streamed from disk); --purpose defaults to "
                        + DEFAULT_PURPOSE, List.of("--file F" + Command.REQUIRED, "--purpose P"),
                        (client, o) -> client.postFile("/files", Map.of("purpose", o.get("purpose") == null ? DEFAULT_PURPOSE
                                : o.get("purpose")), "file", Path.of(o.required("file")))),
                new ApiCommand("llm files list", "List files", List.of("--purpose P", "--limit N", "--after ID",
                        "--order asc|desc"),
                        (client, o) -> client.get("/files", query(o, "purpose", "limit", "after", "order"))),
                new ApiCommand("llm files retrieve", "Show a file", List.of("--file-id ID" + Command.REQUIRED),
                        (client, o) -> client.get("/files/" + ApiClient.segment(o.required("file-id")), Map.of())),
                new ApiCommand("llm files delete", "Delete a file", List.of("--file-id ID" + Command.REQUIRED),
                        (client, o) -> client.delete("/files/" + ApiClient.segment(o.required("file-id")))),
                new FileContentCommand(),
                new ApiCommand("llm fine-tuning create", "Create a fine-tuning job",
                        List.of("--body JSON", "--model M", "--training-file ID", "--validation-file ID",
                                "--suffix S", "--seed N"),
                        (client, o) -> client.postJson("/fine_tuning/jobs", createJobBody(o))),
                new ApiCommand("llm fine-tuning list", "List fine-tuning jobs, newest first",
                        List.of("--limit N", "--after ID", "--metadata KEY=VALUE"),
                        (client, o) -> client.get("/fine_tuning/jobs", listJobsQuery(o))),
                new ApiCommand("llm fine-tuning retrieve", "Show a fine-tuning job", List.of(JOB_FLAG),
                        (client, o) -> client.get(jobPath(o, ""), Map.of())),
                new ApiCommand("llm fine-tuning list-events", "A job's events, newest first",
                        List.of(JOB_FLAG, "--limit N", "--after ID"),
                        (client, o) -> client.get(jobPath(o, "/events"), query(o, "limit", "after"))),
                new ApiCommand("llm fine-tuning list-checkpoints", "A job's checkpoints, newest first",
                        List.of(JOB_FLAG, "--limit N", "--after ID"),
                        (client, o) -> client.get(jobPath(o, "/checkpoints"), query(o, "limit", "after"))),
                new ApiCommand("llm fine-tuning pause", "Pause a running job (it stops at a step boundary)",
                        List.of(JOB_FLAG), (client, o) -> client.postJson(jobPath(o, "/pause"), "{}")),
                new ApiCommand("llm fine-tuning resume", "Resume a paused job", List.of(JOB_FLAG),
                        (client, o) -> client.postJson(jobPath(o, "/resume"), "{}")),
                new ApiCommand("llm fine-tuning cancel", "Cancel a job", List.of(JOB_FLAG),
                        (client, o) -> client.postJson(jobPath(o, "/cancel"), "{}")),
                new ResponsesCreateCommand(),
                new ApiCommand("llm responses retrieve", "Show a stored response", List.of("--response-id ID" + Command.REQUIRED),
                        (client, o) -> client.get("/responses/" + ApiClient.segment(o.required("response-id")), Map.of())),
                new ApiCommand("llm models list", "List base, fine-tuned and checkpoint models", List.of(),
                        (client, o) -> client.get("/models", Map.of())),
                new ApiCommand("llm models retrieve", "Show a model", List.of("--model ID" + Command.REQUIRED),
                        (client, o) -> client.get("/models/" + ApiClient.segment(o.required("model")), Map.of())),
                new ApiCommand("llm models delete", "Delete a fine-tuned model", List.of("--model ID" + Command.REQUIRED),
                        (client, o) -> client.delete("/models/" + ApiClient.segment(o.required("model")))),
                new ApiCommand("llm models export", "Export a model into a file (GGUF, GGUF LoRA or zipped HF directory)",
                        List.of("--model ID" + Command.REQUIRED, "--body JSON ({\"format\": \"gguf\", \"type\": \"q8_0\"})"),
                        (client, o) -> client.postJson("/models/" + ApiClient.segment(o.required("model")) + "/export",
                                o.has("body") ? o.get("body") : "{}")));
    }

    static String jobPath(Options options, String action) {
        return "/fine_tuning/jobs/" + ApiClient.segment(options.required(JOB_ID)) + action;
    }

    private static Map<String, String> query(Options options, String... names) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : names) {
            query.put(name, options.get(name));
        }
        return query;
    }

    private static Map<String, String> listJobsQuery(Options options) {
        Map<String, String> query = query(options, "limit", "after");
        for (String pair : options.all("metadata")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CliException("--metadata expects KEY=VALUE, got '" + pair + "'");
            }
            query.put("metadata[" + pair.substring(0, eq) + "]", pair.substring(eq + 1));
        }
        return query;
    }

    /** {@code --body} with the convenience flags laid over it. */
    private static String createJobBody(Options options) {
        Map<String, JsonValue> body = options.has("body") ? new LinkedHashMap<>(JsonText.parseObject(options.get("body"), "--body").fields())
                : new LinkedHashMap<>();
        putIfGiven(body, "model", options.get("model"));
        putIfGiven(body, "training_file", options.get("training-file"));
        putIfGiven(body, "validation_file", options.get("validation-file"));
        putIfGiven(body, "suffix", options.get("suffix"));
        if (options.has("seed")) {
            body.put("seed", JsonValue.Num.of(options.integer("seed")));
        }
        if (!body.containsKey("model") || !body.containsKey("training_file")) {
            throw new CliException("a job needs \"model\" and \"training_file\": pass --body '{...}' or --model"
                    + " and --training-file");
        }
        return JsonText.write(new JsonValue.Obj(body));
    }

    /** Sets a text or whole-number field of a request body when the flag was given. */
    static void putIfGiven(Map<String, JsonValue> body, String field, Object value) {
        switch (value) {
            case null -> { }
            case String s -> body.put(field, new JsonValue.Str(s));
            case Integer i -> body.put(field, JsonValue.Num.of(i));
            default -> throw new IllegalArgumentException("not a text or integer flag value: " + value);
        }
    }
}
