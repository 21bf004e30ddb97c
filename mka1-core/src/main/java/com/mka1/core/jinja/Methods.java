package com.mka1.core.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods templates call on values ({@code str.startswith}, {@code dict.get}, ...).
 * Mutating methods exist but fail, as in Jinja's immutable sandbox.
 */
final class Methods {
    private static final Set<String> MUTATING = Set.of("append", "extend", "insert", "pop", "remove", "clear", "sort",
            "reverse", "update", "setdefault", "popitem");

    private Methods() {}

    /** A bound method of {@code obj}, or null when it has none of that name. */
    static JinjaCallable of(Object obj, String name) {
        if ((obj instanceof List || obj instanceof Map) && MUTATING.contains(name)) {
            return (args, kwargs) -> {
                throw new JinjaException.Runtime("access to attribute '" + name + "' of '" + Py.typeName(obj) + "' object is unsafe");
            };
        }
        return switch (Py.plain(obj)) {
            case null -> null;
            case String s -> string(s, name);
            case Map<?, ?> m -> dict(m, name);
            case List<?> l -> list(l, name);
            default -> null;
        };
    }

    private static JinjaCallable string(String s, String name) {
        return switch (name) {
            case "startswith", "endswith" -> (args, kwargs) -> {
                Object prefix = new CallArgs(name, args, kwargs).required(0, "prefix");
                List<Object> options = prefix instanceof List<?> l ? new ArrayList<>(l) : List.of(prefix);
                for (Object o : options) {
                    if (!(o instanceof String p)) {
                        throw new JinjaException.Runtime(name + " first arg must be str or a tuple of str, not " + Py.typeName(o));
                    }
                    if (name.equals("startswith") ? s.startsWith(p) : s.endsWith(p)) {
                        return true;
                    }
                }
                return false;
            };
            case "strip" -> (args, kwargs) -> Strings.strip(s, new CallArgs(name, args, kwargs).string(0, "chars", null));
            case "lstrip" -> (args, kwargs) -> Strings.lstrip(s, new CallArgs(name, args, kwargs).string(0, "chars", null));
            case "rstrip" -> (args, kwargs) -> Strings.rstrip(s, new CallArgs(name, args, kwargs).string(0, "chars", null));
            case "split" -> (args, kwargs) -> {
                CallArgs a = new CallArgs(name, args, kwargs);
                return Collections.unmodifiableList(Strings.split(s, a.string(0, "sep", null), Py.toLong(a.get(1, "maxsplit", -1L))));
            };
            case "replace" -> (args, kwargs) -> {
                CallArgs a = new CallArgs(name, args, kwargs);
                return Strings.replace(s, a.string(0, "old", null), a.string(1, "new", null), Py.toLong(a.get(2, "count", -1L)));
            };
            case "upper" -> (args, kwargs) -> s.toUpperCase();
            case "lower" -> (args, kwargs) -> s.toLowerCase();
            case "title" -> (args, kwargs) -> Strings.title(s);
            case "capitalize" -> (args, kwargs) -> Strings.capitalize(s);
            case "find" -> (args, kwargs) -> {
                String sub = new CallArgs(name, args, kwargs).string(0, "sub", null);
                int at = s.indexOf(sub);
                return at < 0 ? -1L : (long) s.codePointCount(0, at);
            };
            case "count" -> (args, kwargs) -> {
                String sub = new CallArgs(name, args, kwargs).string(0, "sub", null);
                return (long) (Strings.split(s, sub, -1).size() - 1);
            };
            case "join" -> (args, kwargs) -> {
                List<String> parts = new ArrayList<>();
                for (Object o : Py.iterate(new CallArgs(name, args, kwargs).required(0, "iterable"))) {
                    if (!(o instanceof String p)) {
                        throw new JinjaException.Runtime("sequence item: expected str instance, " + Py.typeName(o) + " found");
                    }
                    parts.add(p);
                }
                return String.join(s, parts);
            };
            case "isdigit" -> (args, kwargs) -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isspace" -> (args, kwargs) -> !s.isEmpty() && Strings.isBlank(s);
            default -> null;
        };
    }

    private static JinjaCallable dict(Map<?, ?> m, String name) {
        return switch (name) {
            case "items" -> (args, kwargs) -> items(m);
            case "keys" -> (args, kwargs) -> Collections.unmodifiableList(new ArrayList<>(m.keySet()));
            case "values" -> (args, kwargs) -> Collections.unmodifiableList(new ArrayList<>(m.values()));
            case "get" -> (args, kwargs) -> {
                CallArgs a = new CallArgs(name, args, kwargs);
                Object key = a.required(0, "key");
                return m.containsKey(key) ? m.get(key) : a.get(1, "default", null);
            };
            default -> null;
        };
    }

    static List<Object> items(Map<?, ?> m) {
        List<Object> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(Collections.unmodifiableList(java.util.Arrays.asList(k, v))));
        return Collections.unmodifiableList(out);
    }

    private static JinjaCallable list(List<?> l, String name) {
        return switch (name) {
            case "index" -> (args, kwargs) -> {
                Object x = new CallArgs(name, args, kwargs).required(0, "value");
                for (int i = 0; i < l.size(); i++) {
                    if (Py.eq(l.get(i), x)) {
                        return (long) i;
                    }
                }
                throw new JinjaException.Runtime(Py.repr(x) + " is not in list");
            };
            case "count" -> (args, kwargs) -> {
                Object x = new CallArgs(name, args, kwargs).required(0, "value");
                return l.stream().filter(y -> Py.eq(y, x)).count();
            };
            default -> null;
        };
    }
}
