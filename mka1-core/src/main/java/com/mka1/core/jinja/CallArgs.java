package com.mka1.core.jinja;

import java.util.List;
import java.util.Map;

/** Reads the arguments of a built-in filter, test or method by position or by keyword, as Python binds them. */
record CallArgs(String what, List<Object> positional, Map<String, Object> named) {
    /** The argument at {@code index} or named {@code name}, else {@code fallback}. */
    Object get(int index, String name, Object fallback) {
        if (index < positional.size()) {
            return positional.get(index);
        }
        return named.containsKey(name) ? named.get(name) : fallback;
    }

    Object required(int index, String name) {
        if (index >= positional.size() && !named.containsKey(name)) {
            throw new JinjaException.Runtime(what + "() missing required argument '" + name + "'");
        }
        return get(index, name, null);
    }

    String string(int index, String name, String fallback) {
        Object v = get(index, name, fallback);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new JinjaException.Runtime(what + "() argument '" + name + "' must be str, not " + Py.typeName(v));
    }

    /** Arguments after the first {@code from} positional ones. */
    List<Object> rest(int from) {
        return from >= positional.size() ? List.of() : positional.subList(from, positional.size());
    }
}
