package com.mka1.server.cli;

import java.util.List;

/**
 * One {@code mka1} command. {@link #name()} is the words that select it ("llm files upload");
 * {@link #flags()} lists its own flags (the client flags --server-url, --api-key and -H are always
 * accepted): {@code "--limit N"} takes a value, a bare {@code "--stream"} is a switch (also
 * {@code --stream=false}), and a spec ending in {@value #REQUIRED} must be given. {@link #run}
 * returns the exit code.
 */
public interface Command {
    /** The ending of a flag spec that must be given ("--file F (required)"). */
    String REQUIRED = " (required)";

    String name();

    String summary();

    /** Its flags, each as shown in help ("--file F", "--limit N"). */
    List<String> flags();

    int run(CommandContext context) throws Exception;

    /** More text for {@code --help} after the flags (defaults, environment), or "". */
    default String help() {
        return "";
    }

    /**
     * The flag a leading positional argument stands for ("repo": {@code models pull org/model} is
     * {@code models pull --repo org/model}), or null when the command takes none.
     */
    default String argumentFlag() {
        return null;
    }
}
