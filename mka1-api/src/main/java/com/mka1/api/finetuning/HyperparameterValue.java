package com.mka1.api.finetuning;

import java.util.Objects;

/**
 * A hyperparameter that is either {@code "auto"} (the engine chooses from the data set when
 * training starts) or an explicit number.
 */
public sealed interface HyperparameterValue<T extends Number> {

    /** Let the engine choose. */
    record Auto<T extends Number>() implements HyperparameterValue<T> {}

    /** A value given by the client, or resolved by the engine. */
    record Explicit<T extends Number>(T value) implements HyperparameterValue<T> {
        public Explicit {
            Objects.requireNonNull(value, "value");
        }
    }

    static <T extends Number> HyperparameterValue<T> auto() {
        return new Auto<>();
    }

    static <T extends Number> HyperparameterValue<T> of(T value) {
        return new Explicit<>(value);
    }

    /** The explicit value, or null for auto. */
    default T valueOrNull() {
        return this instanceof Explicit<T>(T value) ? value : null;
    }
}
