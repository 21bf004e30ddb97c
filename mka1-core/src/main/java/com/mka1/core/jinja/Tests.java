package com.mka1.core.jinja;

import java.util.List;
import java.util.Map;

/** Jinja's tests ({@code x is defined}, {@code x is string}, {@code x is equalto y}, ...). */
final class Tests {
    private Tests() {}

    static boolean apply(String name, Object value, List<Object> args) {
        Object v = Py.plain(value);
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "string" -> v instanceof String;
            case "mapping" -> v instanceof Map;
            case "iterable" -> v instanceof List || v instanceof Map || v instanceof String || v instanceof Undefined;
            case "sequence" -> v instanceof List || v instanceof Map || v instanceof String;
            case "number" -> Py.isNumber(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "callable" -> v instanceof JinjaCallable;
            case "lower" -> v instanceof String s && s.equals(s.toLowerCase());
            case "upper" -> v instanceof String s && s.equals(s.toUpperCase());
            case "odd" -> Py.toLong(v) % 2 != 0;
            case "even" -> Py.toLong(v) % 2 == 0;
            case "divisibleby" -> Py.toLong(v) % Py.toLong(arg(name, args)) == 0;
            case "equalto", "eq", "==" -> Py.eq(v, arg(name, args));
            case "ne", "!=" -> !Py.eq(v, arg(name, args));
            case "sameas" -> v == arg(name, args) || (v != null && v.equals(arg(name, args)) && !(v instanceof List || v instanceof Map));
            case "in" -> Py.contains(arg(name, args), v);
            case "gt", ">", "greaterthan" -> Py.compare(v, arg(name, args)) > 0;
            case "ge", ">=" -> Py.compare(v, arg(name, args)) >= 0;
            case "lt", "<", "lessthan" -> Py.compare(v, arg(name, args)) < 0;
            case "le", "<=" -> Py.compare(v, arg(name, args)) <= 0;
            default -> throw new JinjaException.Runtime("no test named '" + name + "'");
        };
    }

    private static Object arg(String test, List<Object> args) {
        if (args.isEmpty()) {
            throw new JinjaException.Runtime("test '" + test + "' needs an argument");
        }
        return args.getFirst();
    }
}
