package com.mka1.core.jinja;

/**
 * Jinja's default (lenient) undefined: falsy, prints as "", iterates as empty; arithmetic,
 * attribute access and calls on it fail.
 */
record Undefined(String hint) {
    JinjaException.Runtime failure() {
        return new JinjaException.Runtime(hint + " is undefined");
    }
}
