package com.mka1.server.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a running command gets: its flags, stdout/stderr, the environment, and an {@link ApiClient}
 * built from {@code --server-url}/{@code MKA1_SERVER_URL}, {@code --api-key}/{@code MKA1_API_KEY}
 * and the {@code -H} headers.
 */
public record CommandContext(Options options, PrintStream out, PrintStream err, Map<String, String> env) {
    public static final String DEFAULT_SERVER_URL = "http://127.0.0.1:8080";

    public ApiClient client() {
        String url = options.get("server-url");
        if (url == null) {
            url = env.getOrDefault("MKA1_SERVER_URL", DEFAULT_SERVER_URL);
        }
        String key = options.get("api-key");
        if (key == null) {
            key = env.get("MKA1_API_KEY");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String header : options.all(Options.HEADER)) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new CliException("-H expects 'Name: value', got '" + header + "'");
            }
            headers.add(Map.entry(header.substring(0, colon).trim(), header.substring(colon + 1).trim()));
        }
        return new ApiClient(url, key, headers);
    }

    /** Prints a JSON answer pretty-printed. */
    public void printJson(String json) {
        out.println(JsonText.pretty(json));
    }
}
