package com.mka1.core.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Jinja's filters, with transformers' {@code tojson} in place of Jinja's own. */
final class Filters {
    private Filters() {}

    static Object apply(String name, Object value, List<Object> args, Map<String, Object> kwargs) {
        CallArgs a = new CallArgs(name, args, kwargs);
        Object v = Py.plain(value);
        return switch (name) {
            case "safe" -> new Markup(Py.str(v));
            case "string" -> Py.str(v);
            case "trim" -> Strings.strip(string(name, v), a.string(0, "chars", null));
            case "upper" -> string(name, v).toUpperCase();
            case "lower" -> string(name, v).toLowerCase();
            case "title" -> Strings.title(string(name, v));
            case "capitalize" -> Strings.capitalize(string(name, v));
            case "replace" -> Strings.replace(string(name, v), Py.str(a.required(0, "old")), Py.str(a.required(1, "new")),
                    Py.toLong(a.get(2, "count", -1L)));
            case "length", "count" -> Py.length(v);
            case "list" -> Collections.unmodifiableList(Py.iterate(v));
            case "items" -> v instanceof Undefined ? List.of() : Methods.items(mapping(name, v));
            case "first" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? new Undefined("first of an empty sequence") : items.getFirst();
            }
            case "last" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? new Undefined("last of an empty sequence") : items.getLast();
            }
            case "reverse" -> v instanceof String s ? new StringBuilder(s).reverse().toString()
                    : Collections.unmodifiableList(Py.iterate(v).reversed());
            case "default", "d" -> {
                boolean useIfFalsy = Py.truthy(a.get(1, "boolean", false));
                yield v instanceof Undefined || (useIfFalsy && !Py.truthy(v)) ? a.get(0, "default_value", "") : v;
            }
            case "join" -> join(v, Py.str(a.get(0, "d", "")), a.get(1, "attribute", null));
            // transformers' signature: tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)
            case "tojson" -> PyJson.dumps(v, a.get(1, "indent", null) == null ? -1 : (int) Py.toLong(a.get(1, "indent", null)),
                    Py.truthy(a.get(3, "sort_keys", false)));
            case "int" -> toInt(v, a.get(0, "default", 0L));
            case "float" -> toFloat(v, a.get(0, "default", 0.0));
            case "abs" -> Py.isInteger(v) ? (Object) Math.abs(Py.toLong(v)) : (Object) Math.abs(Py.toDouble(v));
            case "unique" -> unique(v, Py.truthy(a.get(0, "case_sensitive", false)), a.get(1, "attribute", null));
            case "map" -> map(v, a, kwargs);
            case "select", "reject" -> select(v, null, a, 0, name.equals("select"));
            case "selectattr", "rejectattr" -> select(v, Py.str(a.required(0, "attribute")), a, 1, name.equals("selectattr"));
            case "indent" -> indent(string(name, v), a);
            default -> throw new JinjaException.Runtime("no filter named '" + name + "'");
        };
    }

    private static String string(String filter, Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> s;
            case Undefined u -> "";
            default -> Py.str(v);
        };
    }

    private static Map<?, ?> mapping(String filter, Object v) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw new JinjaException.Runtime("can only get item pairs from a mapping, not " + Py.typeName(v));
    }

    private static String join(Object v, String separator, Object attribute) {
        List<String> parts = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
            parts.add(Py.str(attribute == null ? o : lookup(o, attribute)));
        }
        return String.join(separator, parts);
    }

    /** {@code attribute} as Jinja's filters take it: a dotted path, each part an item or attribute. */
    private static Object lookup(Object o, Object attribute) {
        Object current = o;
        for (String part : Py.str(attribute).split("\\.")) {
            current = part.chars().allMatch(Character::isDigit) ? Access.item(current, Long.parseLong(part)) : Access.item(current, part);
        }
        return current;
    }

    private static Object unique(Object v, boolean caseSensitive, Object attribute) {
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
            Object key = attribute == null ? o : lookup(o, attribute);
            if (!caseSensitive && key instanceof String s) {
                key = s.toLowerCase();
            }
            Object k = key;
            if (seen.stream().noneMatch(x -> Py.eq(x, k))) {
                seen.add(key);
                out.add(o);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static Object map(Object v, CallArgs a, Map<String, Object> kwargs) {
        List<Object> out = new ArrayList<>();
        if (!Py.truthy(v)) {
            return List.of(); // Jinja's map, select and their kin skip a falsy input, None included
        }
        if (kwargs.containsKey("attribute")) {
            Object fallback = kwargs.get("default");
            for (Object o : Py.iterate(v)) {
                Object x = lookup(o, kwargs.get("attribute"));
                out.add(x instanceof Undefined && kwargs.containsKey("default") ? fallback : x);
            }
        } else {
            String filter = Py.str(a.required(0, "filter"));
            List<Object> rest = a.rest(1);
            for (Object o : Py.iterate(v)) {
                out.add(apply(filter, o, rest, Map.of()));
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static Object select(Object v, String attribute, CallArgs a, int testAt, boolean keep) {
        List<Object> out = new ArrayList<>();
        Object testName = a.get(testAt, "test", null);
        List<Object> testArgs = a.rest(testAt + 1);
        if (!Py.truthy(v)) {
            return List.of();
        }
        for (Object o : Py.iterate(v)) {
            Object x = attribute == null ? o : lookup(o, attribute);
            boolean passes = testName == null ? Py.truthy(x) : Tests.apply(Py.str(testName), x, testArgs);
            if (passes == keep) {
                out.add(o);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static String indent(String s, CallArgs a) {
        Object width = a.get(0, "width", 4L);
        String pad = width instanceof String w ? w : " ".repeat((int) Py.toLong(width));
        boolean first = Py.truthy(a.get(1, "first", false));
        boolean blank = Py.truthy(a.get(2, "blank", false));
        String[] lines = s.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                sb.append('\n');
            }
            boolean pads = (i > 0 || first) && (blank || !lines[i].isEmpty());
            sb.append(pads ? pad : "").append(lines[i]);
        }
        return sb.toString();
    }

    private static Object toInt(Object v, Object fallback) {
        return switch (v) {
            case null -> fallback;
            case Long l -> l;
            case Boolean b -> b ? 1L : 0L;
            case Double d -> (long) d.doubleValue();
            case String s -> {
                try {
                    yield Long.parseLong(s.strip());
                } catch (NumberFormatException e) {
                    try {
                        yield (long) Double.parseDouble(s.strip());
                    } catch (NumberFormatException e2) {
                        yield fallback;
                    }
                }
            }
            default -> fallback;
        };
    }

    private static Object toFloat(Object v, Object fallback) {
        return switch (v) {
            case null -> fallback;
            case Long l -> l.doubleValue();
            case Double d -> d;
            case Boolean b -> b ? 1.0 : 0.0;
            case String s -> {
                try {
                    yield Double.parseDouble(s.strip());
                } catch (NumberFormatException e) {
                    yield fallback;
                }
            }
            default -> fallback;
        };
    }
}
