package com.mka1.backend.cpu;

/** bfloat16 bit-pattern conversions. */
final class Bf16 {
    private Bf16() {}

    static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** Rounds to nearest even; NaN stays a (quiet) NaN. */
    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
