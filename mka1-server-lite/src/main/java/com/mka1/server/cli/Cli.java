package com.mka1.server.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code mka1} command line: picks the command from the first words, parses its flags, runs
 * it. Exit codes: 0 success, 1 the server refused or failed (message on stderr), 2 bad usage.
 */
public final class Cli {
    /** Flags every client command accepts. */
    static final List<String> CLIENT_FLAGS = List.of("--server-url URL", "--api-key KEY", "-H 'Name: value'");

    private final CommandRegistry registry;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    public Cli(CommandRegistry registry, PrintStream out, PrintStream err, Map<String, String> env) {
        this.registry = registry;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
    }

    public int run(String... args) {
        List<String> list = Arrays.asList(args);
        if (list.isEmpty() || list.getFirst().equals("--help") || list.getFirst().equals("-h")
                || list.getFirst().equals("help")) {
            (list.isEmpty() ? err : out).print(usage());
            return list.isEmpty() ? 2 : 0;
        }
        var selected = registry.select(list);
        if (selected.isEmpty()) {
            return unknownCommand(list);
        }
        Command command = selected.get().command();
        try {
            Options options = Options.parse(withArgumentAsFlag(command, selected.get().rest()), switches(command));
            if (options.has(Options.HELP)) {
                out.print(usage(command));
                return 0;
            }
            checkFlags(command, options);
            return command.run(new CommandContext(options, out, err, env));
        } catch (CliException e) {
            err.println("mka1 " + command.name() + ": " + e.getMessage());
            err.println("Run 'mka1 " + command.name() + " --help' for its flags.");
            return 2;
        } catch (ApiCallException e) {
            err.println("mka1 " + command.name() + ": " + e.getMessage());
            if (e.body() != null && !e.body().isBlank()) {
                err.println(JsonText.pretty(e.body()));
            }
            return 1;
        } catch (Exception e) {
            err.println("mka1 " + command.name() + ": " + describe(e));
            return 1;
        }
    }

    /** What went wrong, in words: the message, never a Java class name. */
    static String describe(Throwable e) {
        Throwable cause = e.getCause();
        if (cause != null && (e.getMessage() == null || e.getMessage().equals(cause.toString()))) {
            return describe(cause); // a wrapper without words of its own ("java.io.IOException: ...")
        }
        if (e instanceof java.io.UncheckedIOException && cause != null) {
            return e.getMessage() + ": " + describe(cause);
        }
        String message = e.getMessage() == null || e.getMessage().isBlank() ? null : e.getMessage();
        return switch (e) {
            case java.nio.file.NoSuchFileException f -> "no such file: " + f.getFile();
            case java.nio.file.AccessDeniedException f -> "permission denied: " + f.getFile();
            case java.nio.file.FileAlreadyExistsException f -> "already exists: " + f.getFile();
            case java.nio.file.DirectoryNotEmptyException f -> "directory not empty: " + f.getFile();
            case java.nio.file.NotDirectoryException f -> "not a directory: " + f.getFile();
            case OutOfMemoryError m -> "out of memory (raise -Xmx through MKA1_JAVA_OPTS)";
            default -> message != null ? message
                    : e.getCause() != null ? describe(e.getCause()) : "an unexpected error with no message (see the log)";
        };
    }

    /** The flags that are switches: specs with no value placeholder ("--stream"). */
    private static Set<String> switches(Command command) {
        Set<String> out = new HashSet<>();
        for (String flag : command.flags()) {
            String spec = flag.endsWith(Command.REQUIRED) ? flag.substring(0, flag.length() - Command.REQUIRED.length()) : flag;
            if (spec.startsWith("--") && !spec.contains(" ")) out.add(spec.substring(2));
        }
        return out;
    }

    private static List<String> withArgumentAsFlag(Command command, List<String> rest) {
        if (command.argumentFlag() == null || rest.isEmpty() || rest.getFirst().startsWith("-")) {
            return rest;
        }
        List<String> out = new ArrayList<>(List.of("--" + command.argumentFlag(), rest.getFirst()));
        out.addAll(rest.subList(1, rest.size()));
        return out;
    }

    private int unknownCommand(List<String> args) {
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("-")) {
                break;
            }
            words.add(arg);
        }
        List<Command> under = words.isEmpty() ? List.of() : registry.under(words);
        if (!under.isEmpty()) {
            err.println("mka1 " + String.join(" ", words) + ": choose a command:");
            under.forEach(c -> err.printf("  mka1 %-28s %s%n", c.name(), c.summary()));
        } else {
            err.println("mka1: unknown command '" + String.join(" ", words) + "'. Run 'mka1 --help'.");
        }
        return 2;
    }

    private static void checkFlags(Command command, Options options) {
        Set<String> allowed = new HashSet<>(List.of("server-url", "api-key", Options.HEADER));
        for (String flag : command.flags()) {
            allowed.add(flag.split(" ")[0].replaceFirst("^--", ""));
        }
        for (String given : options.values().keySet()) {
            if (!allowed.contains(given)) {
                throw new CliException("unknown flag --" + given);
            }
        }
        for (String flag : command.flags()) {
            if (flag.endsWith(Command.REQUIRED)) {
                options.required(flag.split(" ")[0].substring(2));
            }
        }
    }

    String usage() {
        StringBuilder text = new StringBuilder("""
                mka1: fine-tune and serve Llama-family models behind the MKA1 fine-tuning API.

                Usage: mka1 <command> [flags]     (mka1 <command> --help for its flags)

                Commands:
                """);
        for (Command command : registry.all()) {
            text.append(String.format("  %-34s %s%n", command.name(), command.summary()));
        }
        text.append("""

                Client flags (every command that talks to a server):
                  --server-url URL   the server root (default http://127.0.0.1:8080, or MKA1_SERVER_URL); /v1 is
                                     added unless the URL ends in /v1 or /api/v1/llm
                  --api-key KEY      the bearer key (or MKA1_API_KEY)
                  -H 'Name: value'   an extra header, e.g. -H 'X-On-Behalf-Of: user-1' (repeatable)
                """);
        return text.toString();
    }

    static String usage(Command command) {
        StringBuilder text = new StringBuilder("Usage: mka1 " + command.name());
        for (String flag : command.flags()) {
            if (flag.endsWith(Command.REQUIRED)) {
                text.append(' ').append(flag, 0, flag.length() - Command.REQUIRED.length());
            } else {
                text.append(" [").append(flag).append(']');
            }
        }
        text.append("\n\n").append(command.summary()).append("\n");
        if (command.flags().stream().anyMatch(f -> f.endsWith(Command.REQUIRED))) {
            text.append("Flags outside [ ] are required.\n");
        }
        if (!command.help().isEmpty()) {
            text.append('\n').append(command.help());
        }
        return text.toString();
    }
}
