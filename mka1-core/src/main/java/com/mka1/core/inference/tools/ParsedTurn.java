package com.mka1.core.inference.tools;

import java.util.List;
import java.util.Objects;

/**
 * An assistant turn read back from the model's text: the text before the calls (may be empty) and the calls.
 *
 * @param content the text the model wrote before its calls, stripped; "" when none
 * @param calls   the calls, in order; never empty
 */
public record ParsedTurn(String content, List<Call> calls) {
    public ParsedTurn {
        Objects.requireNonNull(content, "content");
        calls = List.copyOf(calls);
    }

    /** One call: a function name and its arguments as compact JSON object text. */
    public record Call(String name, String arguments) {
        public Call {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }
}
