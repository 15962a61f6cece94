package org.jacobi.core;

/** Conversions of the 16-bit float formats to float32, which holds every value of both exactly. */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** An IEEE 754 binary16 (float16) bit pattern as a float. */
    public static float float16ToFloat(int bits) {
        int sign = (bits >>> 15) & 1;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        float v;
        if (exponent == 0) {
            v = mantissa * 0x1p-24f; // zero or subnormal
        } else if (exponent == 31) {
            v = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat((exponent + 112) << 23 | mantissa << 13);
        }
        return sign == 1 ? -v : v;
    }

    /** A bfloat16 bit pattern (the upper half of a float32) as a float. */
    public static float bfloat16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
