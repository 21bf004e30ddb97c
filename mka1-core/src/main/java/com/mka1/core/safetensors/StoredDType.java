package com.mka1.core.safetensors;

/** Element types of safetensors data that this reader converts (the header's "dtype" strings). */
public enum StoredDType {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    StoredDType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    static StoredDType parse(String name, String where) {
        return switch (name) {
            case "F32" -> F32;
            case "F16" -> F16;
            case "BF16" -> BF16;
            default -> throw new SafetensorsFormatException(where + ": unsupported dtype " + name + " (F32, F16, BF16 are)");
        };
    }
}
