package com.mka1.api.files;

import com.mka1.api.InvalidRequestException;
import com.mka1.api.WireEnum;

/** What a file is for. Jobs train on {@link #FINE_TUNE} files and write {@link #FINE_TUNE_RESULTS}. */
public enum FilePurpose implements WireEnum {
    FINE_TUNE("fine-tune"),
    FINE_TUNE_RESULTS("fine-tune-results"),
    ASSISTANTS("assistants"),
    BATCH("batch"),
    USER_DATA("user_data"),
    EVALS("evals"),
    VISION("vision");

    private final String wireName;

    FilePurpose(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire ("fine-tune"). */
    @Override
    public String wireName() {
        return wireName;
    }

    /** Whether clients may upload files with this purpose (results are produced by jobs only). */
    public boolean uploadable() {
        return this != FINE_TUNE_RESULTS;
    }

    /** Parses a wire name; unknown names are an {@link InvalidRequestException} on {@code purpose}. */
    public static FilePurpose fromWire(String name) {
        return WireEnum.lookup(values(), name).orElseThrow(() -> new InvalidRequestException(
                "Invalid 'purpose': '" + name + "' (expected one of fine-tune, assistants, batch, user_data, evals, vision)",
                "purpose", "invalid_value"));
    }
}
