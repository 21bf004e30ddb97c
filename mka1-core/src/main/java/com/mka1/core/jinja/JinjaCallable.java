package com.mka1.core.jinja;

import java.util.List;
import java.util.Map;

/** Something a template can call: a macro, a global function such as {@code range}, or a bound method. */
@FunctionalInterface
interface JinjaCallable {
    Object call(List<Object> args, Map<String, Object> kwargs);
}
