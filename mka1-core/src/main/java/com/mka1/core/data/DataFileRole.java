package com.mka1.core.data;

/** Which request field a data file came from; decides error codes and the minimum example count. */
public enum DataFileRole {
    TRAINING("training_file", "invalid_training_file"),
    VALIDATION("validation_file", "invalid_validation_file");

    private final String param;
    private final String invalidCode;

    DataFileRole(String param, String invalidCode) {
        this.param = param;
        this.invalidCode = invalidCode;
    }

    /** The request field ("training_file"). */
    public String param() {
        return param;
    }

    /** The error code for a format problem ("invalid_training_file"). */
    public String invalidCode() {
        return invalidCode;
    }
}
