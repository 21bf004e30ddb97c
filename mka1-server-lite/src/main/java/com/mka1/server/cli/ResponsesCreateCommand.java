package com.mka1.server.cli;

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
        Map<String, Object> body = o.has("body") ? PlainJson.parseObject(o.get("body"), "--body") : new LinkedHashMap<>();
        LlmCommands.putIfGiven(body, "model", o.get("model"));
        if (o.has("input")) {
            body.put("input", input(o.get("input")));
        }
        LlmCommands.putIfGiven(body, "instructions", o.get("instructions"));
        LlmCommands.putIfGiven(body, "previous_response_id", o.get("previous-response-id"));
        LlmCommands.putIfGiven(body, "max_output_tokens", o.integer("max-output-tokens"));
        if (o.has("temperature")) {
            body.put("temperature", PlainJson.parse(o.get("temperature"), "--temperature"));
        }
        if (o.has("stream")) {
            body.put("stream", o.bool("stream"));
        }
        if (!body.containsKey("model") || !body.containsKey("input")) {
            throw new CliException("a response needs --model and --input (or both in --body)");
        }
        ApiClient client = context.client();
        if (Boolean.TRUE.equals(body.get("stream"))) {
            client.postJsonStreaming("/responses", PlainJson.write(body), line -> {
                context.out().println(line);
                context.out().flush();
            });
        } else {
            context.printJson(client.postJson("/responses", PlainJson.write(body)).body());
        }
        return 0;
    }

    /** Plain text as it is; a JSON string or list (what the guide passes: '"Hello"') parsed. */
    static Object input(String value) {
        String v = value.strip();
        boolean json = v.startsWith("\"") || v.startsWith("[") || v.startsWith("{");
        return json ? PlainJson.parse(v, "--input (plain text, a JSON string or a JSON list of messages)") : value;
    }
}
