package com.mka1.core.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** The mutable object {@code namespace()} returns: the one thing a sandboxed template may assign attributes of. */
final class Namespace {
    final Map<String, Object> attributes = new LinkedHashMap<>();
}
