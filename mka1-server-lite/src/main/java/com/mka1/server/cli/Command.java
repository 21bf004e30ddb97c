package com.mka1.server.cli;

import java.util.List;

/**
 * One {@code mka1} command. {@link #name()} is the words that select it ("llm files upload");
 * {@link #flags()} lists its own flags (the client flags --server-url, --api-key and -H are always
 * accepted). {@link #run} returns the exit code.
 */
public interface Command {
    String name();

    String summary();

    /** Its flags, each as shown in help ("--file F", "--limit N"). */
    List<String> flags();

    int run(CommandContext context) throws Exception;

    /**
     * The flag a leading positional argument stands for ("repo": {@code models pull org/model} is
     * {@code models pull --repo org/model}), or null when the command takes none.
     */
    default String argumentFlag() {
        return null;
    }
}
