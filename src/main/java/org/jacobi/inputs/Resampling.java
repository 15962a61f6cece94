package org.jacobi.inputs;

/**
 * Antialiased separable resampling as Pillow's {@code Image.resize} does it ({@code libImaging/Resample.c}): each
 * output sample is a weighted sum of input samples under a filter centred on it, the filter widened by the
 * reduction factor when shrinking so that every input sample contributes (no aliasing), and the weights
 * normalised to sum to 1 (so edges need no padding). Rows first, then columns.
 *
 * <p>Why our own: the JDK's {@code Graphics2D} bilinear and bicubic hints sample four or sixteen pixels whatever
 * the reduction (a 1024-to-128 downscale aliases), and {@code getScaledInstance(SCALE_AREA_AVERAGING)} rounds to 8
 * bits and replicates pixels when enlarging; no kept dependency resamples. Following Pillow exactly lets the
 * tests check tensors against Pillow-computed references, and matches what Pillow- and torchvision-based
 * (antialias=True) preprocessing feeds models.
 */
public enum Resampling {
    /** Pillow's BILINEAR: the triangle filter, support 1 (widened when shrinking). Used for images. */
    TRIANGLE(1) {
        @Override
        double weight(double x) {
            double a = Math.abs(x);
            return a < 1 ? 1 - a : 0;
        }
    },
    /** Pillow's LANCZOS: a sinc windowed by a 3-lobe sinc, support 3. Used for audio (a windowed-sinc resampler). */
    LANCZOS3(3) {
        @Override
        double weight(double x) {
            return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
        }
    };

    private final double support;

    Resampling(double support) {
        this.support = support;
    }

    abstract double weight(double x);

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** For each output sample, the first input sample it reads and the weights (Pillow's {@code precompute_coeffs}). */
    private record Coefficients(int[] first, double[][] weights) {
    }

    private Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1);
        double reach = support * filterScale;
        int[] first = new int[outSize];
        double[][] weights = new double[outSize][];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int min = Math.max((int) (center - reach + 0.5), 0);
            int max = Math.min((int) (center + reach + 0.5), inSize);
            double[] w = new double[Math.max(0, max - min)];
            double total = 0;
            for (int i = 0; i < w.length; i++) {
                w[i] = weight((i + min - center + 0.5) / filterScale);
                total += w[i];
            }
            if (total != 0) {
                for (int i = 0; i < w.length; i++) {
                    w[i] /= total;
                }
            }
            first[o] = min;
            weights[o] = w;
        }
        return new Coefficients(first, weights);
    }

    /** A signal of {@code in.length} samples resampled to {@code outSize} samples spanning the same interval. */
    public double[] resample(double[] in, int outSize) {
        if (outSize == in.length) {
            return in.clone();
        }
        Coefficients c = coefficients(in.length, outSize);
        double[] out = new double[outSize];
        for (int o = 0; o < outSize; o++) {
            double s = 0;
            double[] w = c.weights[o];
            for (int i = 0; i < w.length; i++) {
                s += in[c.first[o] + i] * w[i];
            }
            out[o] = s;
        }
        return out;
    }

    /** A plane {@code [y * width + x]} resampled to {@code outHeight x outWidth}: rows first, then columns. */
    public double[] resample(float[] plane, int width, int height, int outWidth, int outHeight) {
        double[] rows = new double[height * outWidth];
        Coefficients cx = outWidth == width ? null : coefficients(width, outWidth);
        for (int y = 0; y < height; y++) {
            for (int o = 0; o < outWidth; o++) {
                if (cx == null) {
                    rows[y * outWidth + o] = plane[y * width + o];
                    continue;
                }
                double s = 0;
                double[] w = cx.weights[o];
                int base = y * width + cx.first[o];
                for (int i = 0; i < w.length; i++) {
                    s += plane[base + i] * w[i];
                }
                rows[y * outWidth + o] = s;
            }
        }
        if (outHeight == height) {
            return rows;
        }
        Coefficients cy = coefficients(height, outHeight);
        double[] out = new double[outHeight * outWidth];
        for (int o = 0; o < outHeight; o++) {
            double[] w = cy.weights[o];
            for (int i = 0; i < w.length; i++) {
                int from = (cy.first[o] + i) * outWidth;
                double wi = w[i];
                for (int x = 0; x < outWidth; x++) {
                    out[o * outWidth + x] += rows[from + x] * wi;
                }
            }
        }
        return out;
    }
}
