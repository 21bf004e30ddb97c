package com.mka1.server.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command's flags: {@code --name value}, {@code --name=value}, {@code -H 'Name: value'}
 * (stored under "header"), and {@code --help}. A switch ({@code --stream}) needs no value: given
 * alone it is true; {@code --stream=false} (or a following {@code true}/{@code false}) sets it.
 * Every flag may repeat; {@link #get} gives the last.
 */
public record Options(Map<String, List<String>> values) {
    public static final String HEADER = "header";
    public static final String HELP = "help";

    public Options {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        values = Collections.unmodifiableMap(copy);
    }

    public static Options parse(List<String> args) {
        return parse(args, java.util.Set.of());
    }

    /** Parses {@code args}; the flags named in {@code switches} take no value. */
    public static Options parse(List<String> args, java.util.Set<String> switches) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name;
            String value;
            if (arg.equals("-h") || arg.equals("--help")) {
                values.computeIfAbsent(HELP, k -> new ArrayList<>()).add("true");
                continue;
            } else if (arg.equals("-H") || arg.equals("--header")) {
                name = HEADER;
                value = valueAfter(args, i++, arg);
            } else if (arg.startsWith("--") && arg.length() > 2) {
                int eq = arg.indexOf('=');
                name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (switches.contains(name)) {
                    boolean explicit = i + 1 < args.size() && (args.get(i + 1).equals("true") || args.get(i + 1).equals("false"));
                    value = explicit ? args.get(++i) : "true";
                } else {
                    value = valueAfter(args, i++, arg);
                }
            } else {
                throw new CliException("unexpected argument '" + arg + "' (flags look like --name value)");
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new Options(values);
    }

    private static String valueAfter(List<String> args, int i, String flag) {
        if (i + 1 >= args.size()) {
            throw new CliException(flag + " needs a value");
        }
        return args.get(i + 1);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The last value of {@code --name}, or null. */
    public String get(String name) {
        List<String> all = values.get(name);
        return all == null ? null : all.getLast();
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public String required(String name) {
        String value = get(name);
        if (value == null || value.isBlank()) {
            throw new CliException("--" + name + " is required");
        }
        return value;
    }

    /** A switch: false when absent, true when given alone; {@code =true}/{@code =false} say so explicitly. */
    public boolean bool(String name) {
        String value = get(name);
        if (value == null) {
            return false;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new CliException("--" + name + " is a switch: give it alone, or as --" + name + "=true or --"
                    + name + "=false, not '" + value + "'");
        };
    }

    /** An integer flag, or null when absent. */
    public Integer integer(String name) {
        String value = get(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CliException("--" + name + " must be an integer, got '" + value + "'");
        }
    }
}
