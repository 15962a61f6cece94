package org.jacobi.gsa;

import java.io.Serializable;
import java.math.BigInteger;

/**
 * {@code n} sums of doubles kept exactly, as binary fixed-point integers in 32-bit digits (a Kulisch accumulator
 * holding only the digits its terms touched), so the rounded totals do not depend on the order in which terms or
 * other accumulators were added: a cluster that merges partitions in any grouping gives the one-process answer to the
 * last bit. Adding costs a few integer operations; rounding (to nearest, by {@link BigInteger}) is done once per read.
 */
final class ExactSums implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long DIGIT = 0xFFFFFFFFL;
    /** The weight of bit 0 of digit 0: 2^-1088, below the smallest subnormal double (2^-1074). */
    private static final int ORIGIN = -1088;
    /** Additions after which the digits are carried, well before a signed 64-bit digit could overflow. */
    private static final int CARRY_AFTER = 1 << 30;

    /** Per sum its digits (null while zero), least significant first; digit k weighs 2^(32 (base + k) + ORIGIN). */
    private final long[][] digits;
    private final int[] base;
    /** Per sum the infinities and NaNs added (their double sum does not depend on order); null while there are none. */
    private double[] special;
    private int uncarried;

    ExactSums(int n) {
        this.digits = new long[n][];
        this.base = new int[n];
    }

    int size() {
        return digits.length;
    }

    void add(int i, double x) {
        if (x == 0) {
            return;
        }
        if (!Double.isFinite(x)) {
            if (special == null) {
                special = new double[digits.length];
            }
            special[i] += x;
            return;
        }
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) (bits >>> 52) & 0x7FF;
        long mantissa = bits & ((1L << 52) - 1);
        if (exponent == 0) {
            exponent = 1;
        } else {
            mantissa |= 1L << 52;
        }
        int position = exponent - 1075 - ORIGIN;
        int word = position >>> 5;
        int shift = position & 31;
        long low = mantissa << shift;
        long high = shift == 0 ? 0 : mantissa >>> (64 - shift);
        long[] d = room(i, word, word + 2);
        int at = word - base[i];
        if (bits < 0) {
            d[at] -= low & DIGIT;
            d[at + 1] -= low >>> 32;
            d[at + 2] -= high;
        } else {
            d[at] += low & DIGIT;
            d[at + 1] += low >>> 32;
            d[at + 2] += high;
        }
        counted();
    }

    /** Adds every sum of {@code other} (same size) into these; {@code other} keeps its values. */
    void addAll(ExactSums other) {
        for (int i = 0; i < digits.length; i++) {
            long[] from = other.digits[i];
            if (from == null) {
                continue;
            }
            other.carry(i);
            from = other.digits[i];
            int first = other.base[i];
            long[] d = room(i, first, first + from.length - 1);
            int offset = first - base[i];
            for (int k = 0; k < from.length; k++) {
                d[offset + k] += from[k];
            }
        }
        if (other.special != null) {
            for (int i = 0; i < digits.length; i++) {
                if (other.special[i] != 0) {
                    add(i, other.special[i]);
                }
            }
        }
        counted();
    }

    /** Sum {@code i} rounded to the nearest double (the subnormal range excepted, where it is rounded twice). */
    double get(int i) {
        if (special != null && special[i] != 0) {
            return special[i];
        }
        long[] d = digits[i];
        if (d == null) {
            return 0;
        }
        BigInteger total = BigInteger.ZERO;
        for (int k = d.length - 1; k >= 0; k--) {
            total = total.shiftLeft(32).add(BigInteger.valueOf(d[k]));
        }
        int sign = total.signum();
        if (sign == 0) {
            return 0;
        }
        BigInteger magnitude = total.abs();
        int drop = Math.max(0, magnitude.bitLength() - 63);
        long top = magnitude.shiftRight(drop).longValueExact();
        if (drop > 0 && magnitude.getLowestSetBit() < drop) {
            top |= 1; // a sticky bit far below the rounding position: ties become "above the tie"
        }
        return sign * Math.scalb((double) top, drop + 32 * base[i] + ORIGIN);
    }

    /** Makes digits {@code from .. to} (absolute indices) of sum {@code i} exist, with one spare digit on top. */
    private long[] room(int i, int from, int to) {
        long[] d = digits[i];
        if (d == null) {
            base[i] = from;
            digits[i] = new long[to - from + 2];
            return digits[i];
        }
        int first = Math.min(base[i], from);
        int last = Math.max(base[i] + d.length - 1, to + 1);
        if (first == base[i] && last == base[i] + d.length - 1) {
            return d;
        }
        long[] grown = new long[last - first + 1];
        System.arraycopy(d, 0, grown, base[i] - first, d.length);
        base[i] = first;
        digits[i] = grown;
        return grown;
    }

    private void counted() {
        if (++uncarried >= CARRY_AFTER) {
            for (int i = 0; i < digits.length; i++) {
                carry(i);
            }
            uncarried = 0;
        }
    }

    /** Carries sum {@code i}'s digits into [0, 2^32), all but the top one, which keeps the sign and stays small. */
    private void carry(int i) {
        long[] d = digits[i];
        if (d == null) {
            return;
        }
        for (int k = 0; k < d.length - 1; k++) {
            long c = d[k] >> 32;
            d[k] -= c << 32;
            d[k + 1] += c;
        }
        long top = d[d.length - 1];
        if (top >> 31 != 0 && top >> 31 != -1) {
            d = room(i, base[i], base[i] + d.length);
            carry(i);
        }
    }
}
