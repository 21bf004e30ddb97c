package com.mka1.backend.cuda;

/** bfloat16 conversions on the host (the upper 16 bits of an IEEE float). */
final class Bf16 {
    private Bf16() {}

    /** Rounds to nearest even; NaN stays a (quiet) NaN. */
    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) return (short) ((bits >>> 16) | 0x0040);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
