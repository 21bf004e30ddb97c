package com.mka1.api.finetuning;

import java.util.Objects;

/**
 * The training objective with its hyperparameters. On the wire:
 * {@code {"type": "supervised", "supervised": {"hyperparameters": {...}}}}. OpenAI's
 * {@code reinforcement} method is not offered (an invalid request).
 */
public sealed interface Method {
    /** The wire name of the method's type. */
    String type();

    Hyperparameters hyperparameters();

    /** Supervised fine-tuning on chat examples (loss on assistant messages). */
    record Supervised(Hyperparameters hyperparameters) implements Method {
        public Supervised {
            Objects.requireNonNull(hyperparameters, "hyperparameters");
            if (hyperparameters.beta() != null) hyperparameters = hyperparameters.withBeta(null);
        }

        public static Supervised auto() {
            return new Supervised(Hyperparameters.auto());
        }

        @Override
        public String type() {
            return "supervised";
        }
    }

    /** Direct preference optimisation on preferred / non-preferred pairs. */
    record Dpo(Hyperparameters hyperparameters) implements Method {
        public Dpo {
            Objects.requireNonNull(hyperparameters, "hyperparameters");
            if (hyperparameters.beta() == null) hyperparameters = hyperparameters.withBeta(HyperparameterValue.auto());
        }

        public static Dpo auto() {
            return new Dpo(Hyperparameters.autoDpo());
        }

        @Override
        public String type() {
            return "dpo";
        }
    }

    /** The same method with other hyperparameters. */
    default Method withHyperparameters(Hyperparameters h) {
        return switch (this) {
            case Supervised s -> new Supervised(h);
            case Dpo d -> new Dpo(h);
        };
    }
}
