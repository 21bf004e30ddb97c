package com.mka1.server.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The commands by name; finds the one whose words begin the argument list (longest match wins). */
public final class CommandRegistry {
    private final Map<String, Command> commands = new TreeMap<>();

    /** Every built-in command. Areas that add commands register them here. */
    public static CommandRegistry standard() {
        CommandRegistry registry = new CommandRegistry();
        registry.add(new ServeCommand());
        // What the server makes of the key and the X-On-Behalf-Of header: one call, like the llm commands.
        registry.add(new ApiCommand("whoami", "Show the role of the API key and the end user the call acts for",
                List.of(), (client, options) -> client.get("/whoami", Map.of())));
        registry.add(new WatchCommand());
        registry.add(new ModelsPullCommand());
        registry.add(new ModelsAddCommand());
        registry.add(new ModelsExportCommand());
        registry.add(new GenerateCommand());
        registry.add(new DemoCommand());
        LlmCommands.all().forEach(registry::add);
        return registry;
    }

    public CommandRegistry add(Command command) {
        if (commands.putIfAbsent(command.name(), command) != null) {
            throw new IllegalArgumentException("two commands named '" + command.name() + "'");
        }
        return this;
    }

    public Collection<Command> all() {
        return commands.values();
    }

    /** The command named by the first words of {@code args}, and how many words that took. */
    public Optional<Selected> select(List<String> args) {
        for (int words = Math.min(args.size(), 4); words > 0; words--) {
            Command command = commands.get(String.join(" ", args.subList(0, words)));
            if (command != null) {
                return Optional.of(new Selected(command, args.subList(words, args.size())));
            }
        }
        return Optional.empty();
    }

    /** Commands whose names start with the given words ("llm files" -> upload, list, ...). */
    public List<Command> under(List<String> words) {
        String prefix = String.join(" ", words) + " ";
        List<Command> found = new ArrayList<>();
        for (Command command : commands.values()) {
            if (command.name().startsWith(prefix)) {
                found.add(command);
            }
        }
        return found;
    }

    public record Selected(Command command, List<String> rest) {
        public Selected {
            rest = List.copyOf(rest);
        }
    }
}
