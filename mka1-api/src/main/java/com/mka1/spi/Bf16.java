package com.mka1.spi;

/** bfloat16 conversions: round to nearest even, as PyTorch's {@code .to(torch.bfloat16)}. */
public final class Bf16 {
    private Bf16() {}

    /** The bfloat16 bit pattern nearest to {@code value} (ties to even; NaN stays NaN). */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** The float value of a bfloat16 bit pattern (exact). */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** {@code value} rounded to the nearest bfloat16, as a float. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }
}
