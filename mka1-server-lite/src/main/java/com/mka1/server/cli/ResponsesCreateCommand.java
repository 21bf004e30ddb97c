package com.mka1.server.cli;

import com.mka1.api.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mka1 llm responses create}: {@code --input} takes plain text or a JSON value (a JSON
 * string or a list of messages); flags are laid over {@code --body}. With {@code "stream": true} the server's
 * events are printed as they arrive.
 */
final class ResponsesCreateCommand implements Command {
    @Override
    public String name() {
        return "llm responses create";
    }

    @Override
    public String summary() {
        return "Generate a response from a model";
    }

    @Override
    public List<String> flags() {
        return List.of("--model M", "--input TEXT|JSON", "--instructions TEXT", "--previous-response-id ID",
                "--max-output-tokens N", "--temperature T", "--stream", "--body JSON");
    }

    @Override
    public int run(CommandContext context) {
        Options o = context.options();
        Map<String, JsonValue> body = o.has("body") ? new LinkedHashMap<>(JsonText.parseObject(o.get("body"), "--body").fields())
                : new LinkedHashMap<>();
        LlmCommands.putIfGiven(body, "model", o.get("model"));
        if (o.has("input")) {
            body.put("input", input(o.get("input")));
        }
        LlmCommands.putIfGiven(body, "instructions", o.get("instructions"));
        LlmCommands.putIfGiven(body, "previous_response_id", o.get("previous-response-id"));
        LlmCommands.putIfGiven(body, "max_output_tokens", o.integer("max-output-tokens"));
        if (o.has("temperature")) {
            body.put("temperature", JsonText.parse(o.get("temperature"), "--temperature"));
        }
        if (o.has("stream")) {
            body.put("stream", new JsonValue.Bool(o.bool("stream")));
        }
        if (!body.containsKey("model") || !body.containsKey("input")) {
            throw new CliException("a response needs --model and --input (or both in --body)");
        }
        ApiClient client = context.client();
        String request = JsonText.write(new JsonValue.Obj(body));
        if (body.get("stream") instanceof JsonValue.Bool(boolean stream) && stream) {
            client.postJsonStreaming("/responses", request, line -> {
                context.out().println(line);
                context.out().flush();
            });
        } else {
            context.printJson(client.postJson("/responses", request).body());
        }
        return 0;
    }

    /** Plain text as it is; a JSON string or list (what the guide passes: '"Hello"') parsed. */
    static JsonValue input(String value) {
        String v = value.strip();
        boolean json = v.startsWith("\"") || v.startsWith("[") || v.startsWith("{");
        return json ? JsonText.parse(v, "--input (plain text, a JSON string or a JSON list of messages)") : new JsonValue.Str(value);
    }
}
