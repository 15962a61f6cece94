package org.jacobi.attribution;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jacobi.analysis.Saliency;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.TensorFiles;

/**
 * The reference input of Integrated Gradients ("the absence of the feature"), per sample: {@code zero}; {@code blur}
 * (a Gaussian blur of the image, Sturmfels et al. 2020; image-shaped inputs only); {@code uniform} (uniform noise over
 * the sample's value range, seeded); {@code mean} (the sample's mean, per channel for images); or an NPY file shaped
 * like one sample or like the whole input.
 */
public final class Baseline {
    private final String kind;
    private final Tensor file;
    private final double blurSigma;
    private final long seed;

    private Baseline(String kind, Tensor file, double blurSigma, long seed) {
        this.kind = kind;
        this.file = file;
        this.blurSigma = blurSigma;
        this.seed = seed;
    }

    public static Baseline zero() {
        return new Baseline("zero", null, 0, 0);
    }

    /** A baseline given in memory (shaped like one sample, or like the whole input). */
    public static Baseline of(Tensor values) {
        return new Baseline("file", values, 0, 0);
    }

    /**
     * @param spec zero, blur, uniform, mean or the path of an NPY file
     * @param blurSigma the Gaussian's standard deviation in pixels, for blur
     * @param seed for uniform
     */
    public static Baseline parse(String spec, double blurSigma, long seed) {
        String t = spec.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "zero": case "blur": case "uniform": case "mean":
                if (t.equals("blur") && !(blurSigma > 0)) {
                    throw JacobiException.usage("--blur-sigma must be positive, not " + blurSigma + ".");
                }
                return new Baseline(t, null, blurSigma, seed);
            default:
                return new Baseline("file", TensorFiles.readSingle(Path.of(spec.strip())), 0, 0);
        }
    }

    /** How the JSON names it. */
    public String describe() {
        switch (kind) {
            case "blur": return "blur (Gaussian, sigma " + blurSigma + " px)";
            case "uniform": return "uniform (seed " + seed + ")";
            case "file": return "file " + Tensor.shapeToString(file.shape());
            default: return kind;
        }
    }

    /** The baseline of every sample, {@code [samples, *sample shape]} flat. */
    public double[] values(AttributionProblem p) {
        int n = p.perSample();
        int samples = p.samples();
        double[] x = p.xValues();
        double[] out = new double[samples * n];
        switch (kind) {
            case "zero":
                return out;
            case "file": {
                double[] f = file.toDoubleArray();
                if (f.length == n) {
                    for (int s = 0; s < samples; s++) {
                        System.arraycopy(f, 0, out, s * n, n);
                    }
                    return out;
                }
                if (f.length == out.length) {
                    return f;
                }
                throw JacobiException.usage("The baseline file has shape " + Tensor.shapeToString(file.shape()) + "; give one sample "
                    + Tensor.shapeToString(p.sampleShape()) + " or the whole input " + Tensor.shapeToString(p.x().shape()) + ".");
            }
            case "uniform": {
                SplittableRandom random = new SplittableRandom(seed);
                for (int s = 0; s < samples; s++) {
                    double lo = min(x, s * n, n);
                    double hi = max(x, s * n, n);
                    for (int i = 0; i < n; i++) {
                        out[s * n + i] = lo + (hi - lo) * random.nextDouble();
                    }
                }
                return out;
            }
            case "mean": {
                long[] shape = p.sampleShape();
                int channels = Saliency.isImageShaped(shape) ? (int) shape[0] : 1;
                int block = n / channels;
                for (int b = 0; b < samples * channels; b++) {
                    double sum = 0;
                    for (int i = 0; i < block; i++) {
                        sum += x[b * block + i];
                    }
                    Arrays.fill(out, b * block, (b + 1) * block, sum / block);
                }
                return out;
            }
            default:
                return blur(x, p.sampleShape(), samples);
        }
    }

    private double[] blur(double[] x, long[] shape, int samples) {
        if (!Saliency.isImageShaped(shape)) {
            throw JacobiException.usage("--baseline blur needs an image-shaped input [C, H, W]; this one is "
                + Tensor.shapeToString(shape) + ". Use zero, mean, uniform or a file.");
        }
        int h = (int) shape[1];
        int w = (int) shape[2];
        int planes = samples * (int) shape[0];
        double[] kernel = gaussian(blurSigma);
        double[] rowsBlurred = new double[x.length];
        double[] out = new double[x.length];
        for (int plane = 0; plane < planes; plane++) {
            int base = plane * h * w;
            convolve(x, rowsBlurred, kernel, base, h, w, 1, w);
            convolve(rowsBlurred, out, kernel, base, w, h, w, 1);
        }
        return out;
    }

    /** One pass of a separable blur along one axis, edges repeated. {@code step} walks the axis, {@code lineStep} the lines. */
    private static void convolve(double[] in, double[] out, double[] kernel, int base, int lines, int length, int step, int lineStep) {
        int radius = kernel.length / 2;
        for (int line = 0; line < lines; line++) {
            for (int i = 0; i < length; i++) {
                double sum = 0;
                for (int k = -radius; k <= radius; k++) {
                    int j = Math.min(length - 1, Math.max(0, i + k));
                    sum += kernel[k + radius] * in[base + line * lineStep + j * step];
                }
                out[base + line * lineStep + i * step] = sum;
            }
        }
    }

    /** A normalised Gaussian kernel of radius ceil(3 sigma). */
    static double[] gaussian(double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    static double min(double[] a, int from, int n) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            m = Math.min(m, a[i]);
        }
        return m;
    }

    static double max(double[] a, int from, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }
}
