package org.jacobi.analysis;

/** Turns values into ARGB pixels for display and export, without any UI toolkit. */
public final class Pixels {
    private Pixels() {
    }

    /** Colours {@code values} with {@code map}; a non-diverging map shows magnitudes |v|. */
    public static int[] colour(double[] values, ValueScale scale, ColorMaps map) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = map.diverging() ? values[i] : Math.abs(values[i]);
            out[i] = map.argb(scale.normalise(v));
        }
        return out;
    }

    /**
     * One image sample {@code [C, H, W]} (flat, row-major) as ARGB: grey for one channel, RGB for three,
     * the mean of the channels otherwise; stretched from its min to its max so any normalisation shows.
     */
    public static int[] image(double[] chw, int channels, int height, int width) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : chw) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double range = hi > lo ? hi - lo : 1;
        int plane = height * width;
        int[] out = new int[plane];
        for (int p = 0; p < plane; p++) {
            int r;
            int g;
            int b;
            if (channels == 3) {
                r = level(chw[p], lo, range);
                g = level(chw[plane + p], lo, range);
                b = level(chw[2 * plane + p], lo, range);
            } else {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += chw[c * plane + p];
                }
                r = g = b = level(sum / channels, lo, range);
            }
            out[p] = 0xff000000 | (r << 16) | (g << 8) | b;
        }
        return out;
    }

    private static int level(double v, double lo, double range) {
        return (int) Math.round(Math.max(0, Math.min(1, (v - lo) / range)) * 255);
    }

    /** Nearest-neighbour enlargement by an integer factor, so small images stay crisp when shown large. */
    public static int[] upscale(int[] argb, int width, int height, int factor) {
        int w = width * factor;
        int[] out = new int[w * height * factor];
        for (int y = 0; y < height * factor; y++) {
            int src = (y / factor) * width;
            for (int x = 0; x < w; x++) {
                out[y * w + x] = argb[src + x / factor];
            }
        }
        return out;
    }
}
