package org.jacobi.analysis;

/**
 * Maps data values to [0, 1] for a colour map: linear, or symmetric-log (linear within {@code ±linthresh},
 * logarithmic beyond, sign kept) so that a few large derivatives do not wash out the rest. A signed scale is
 * symmetric around zero, so zero is always the middle colour.
 *
 * @param min the value mapped to 0
 * @param max the value mapped to 1
 * @param symlog whether to use the symmetric-log transform
 * @param linthresh where the symmetric-log scale turns from linear to logarithmic
 */
public record ValueScale(double min, double max, boolean symlog, double linthresh) {

    /** A scale for {@code values}: symmetric around zero when {@code signed}, else from 0 (or min) to max. */
    public static ValueScale fit(double[] values, boolean signed, boolean symlog) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double maxAbs = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        if (maxAbs == 0) {
            maxAbs = 1;
        }
        double linthresh = maxAbs * 1e-3;
        if (signed) {
            return new ValueScale(-maxAbs, maxAbs, symlog, linthresh);
        }
        if (hi <= lo) {
            hi = lo + 1;
        }
        return new ValueScale(Math.min(0, lo) < 0 ? lo : Math.min(lo, 0), hi, symlog, linthresh);
    }

    /** The position of {@code v} on the scale, in [0, 1] (clamped). */
    public double normalise(double v) {
        double a = transform(min);
        double b = transform(max);
        double t = (transform(v) - a) / (b - a);
        return Math.max(0, Math.min(1, t));
    }

    /** The value at position {@code t} in [0, 1]: the inverse of {@link #normalise}. */
    public double valueAt(double t) {
        double a = transform(min);
        double b = transform(max);
        return inverse(a + t * (b - a));
    }

    private double transform(double v) {
        if (!symlog) {
            return v;
        }
        double s = Math.signum(v);
        double m = Math.abs(v) / linthresh;
        return s * (m <= 1 ? m : 1 + Math.log10(m));
    }

    private double inverse(double u) {
        if (!symlog) {
            return u;
        }
        double s = Math.signum(u);
        double m = Math.abs(u);
        return s * linthresh * (m <= 1 ? m : Math.pow(10, m - 1));
    }
}
