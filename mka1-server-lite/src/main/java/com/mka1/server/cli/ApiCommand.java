package com.mka1.server.cli;

import java.util.List;

/** A command that makes one API call and prints the JSON answer pretty-printed. */
public record ApiCommand(String name, String summary, List<String> flags, Call call) implements Command {
    /** The request, given the command's flags. */
    @FunctionalInterface
    public interface Call {
        ApiResponse send(ApiClient client, Options options);
    }

    public ApiCommand {
        flags = List.copyOf(flags);
    }

    @Override
    public int run(CommandContext context) {
        ApiResponse response = call.send(context.client(), context.options());
        context.printJson(response.body());
        return 0;
    }
}
