package com.mka1.core.registry;

import com.mka1.api.WireEnum;

/** Where a registered model came from; stored in the registry file under its wire name ("fine_tuned"). */
public enum ModelKind implements WireEnum {
    /** Found in the models directory. */
    BASE,
    /** The final model of a succeeded job. */
    FINE_TUNED,
    /** A checkpoint written during a job. */
    CHECKPOINT;

    static ModelKind fromWire(String name) {
        return WireEnum.lookup(values(), name)
                .orElseThrow(() -> new IllegalArgumentException("unknown model kind '" + name + "'"));
    }
}
