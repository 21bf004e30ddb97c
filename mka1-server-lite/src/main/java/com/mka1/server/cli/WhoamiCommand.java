package com.mka1.server.cli;

import java.util.List;
import java.util.Map;

/** {@code mka1 whoami}: what the server makes of the key and the X-On-Behalf-Of header. */
final class WhoamiCommand implements Command {
    @Override
    public String name() {
        return "whoami";
    }

    @Override
    public String summary() {
        return "Show the role of the API key and the end user the call acts for";
    }

    @Override
    public List<String> flags() {
        return List.of();
    }

    @Override
    public int run(CommandContext context) {
        context.printJson(context.client().get("/whoami", Map.of()).body());
        return 0;
    }
}
