package com.mka1.api.responses;

import java.util.Objects;

/**
 * Whether and which tools the model calls: {@code auto} (it decides), {@code none} (it answers in
 * text), {@code required} (at least one call) or one named function.
 */
public sealed interface ToolChoice {
    /** The model decides between text and calls. */
    record Auto() implements ToolChoice {}

    /** The model never calls a tool. */
    record None() implements ToolChoice {}

    /** The model calls at least one tool. */
    record Required() implements ToolChoice {}

    /** The model calls this function. */
    record Function(String name) implements ToolChoice {
        public Function {
            Objects.requireNonNull(name, "name");
        }
    }

    ToolChoice AUTO = new Auto();
    ToolChoice NONE = new None();
    ToolChoice REQUIRED = new Required();
}
