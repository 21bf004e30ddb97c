package com.mka1.core.jinja;

import java.util.HashMap;
import java.util.Map;

/** Variables visible at a point of the template: a loop body or macro call sees its own and its parents'. */
final class Scope {
    private static final Object MISSING = new Object();

    private final Map<String, Object> vars = new HashMap<>();
    private final Scope parent;

    Scope(Scope parent) {
        this.parent = parent;
    }

    Object get(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.getOrDefault(name, MISSING);
            if (v != MISSING) {
                return v;
            }
        }
        return new Undefined("'" + name + "'");
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
