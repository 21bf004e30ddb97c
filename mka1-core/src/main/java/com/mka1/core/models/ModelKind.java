package com.mka1.core.models;

/** Where a registered model came from. */
public enum ModelKind {
    /** Found in the models directory. */
    BASE,
    /** The final model of a succeeded job. */
    FINE_TUNED,
    /** A checkpoint written during a job. */
    CHECKPOINT;

    String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static ModelKind fromWire(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
