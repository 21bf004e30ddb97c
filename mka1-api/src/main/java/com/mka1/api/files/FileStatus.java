package com.mka1.api.files;

import com.mka1.api.WireEnum;

/** A file's processing status (deprecated by OpenAI, still sent): stored files are {@link #PROCESSED}. */
public enum FileStatus implements WireEnum {
    UPLOADED, PROCESSED, ERROR;

    /** Parses a wire name. */
    public static FileStatus fromWire(String name) {
        return WireEnum.lookup(values(), name)
                .orElseThrow(() -> new IllegalArgumentException("unknown file status '" + name + "'"));
    }
}
