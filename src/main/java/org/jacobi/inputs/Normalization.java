package org.jacobi.inputs;

import java.util.Arrays;
import java.util.Locale;
import org.jacobi.core.JacobiException;

/**
 * How 8-bit pixel values become input values: {@code (pixel * scale - mean[c]) / std[c]} per channel (one mean or
 * std value applies to every channel).
 *
 * @param name the preset's name as typed ({@code 0..1}, {@code -1..1}, {@code imagenet}, {@code raw}) or the custom text
 */
public record Normalization(String name, double scale, double[] mean, double[] std) {
    /** ImageNet's per-channel statistics in RGB order, for pixels scaled to 0..1 (torchvision's values). */
    static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    public Normalization {
        mean = mean.clone();
        std = std.clone();
        if (mean.length == 0 || std.length == 0) {
            throw JacobiException.usage("A normalisation needs at least one mean and one std value.");
        }
        for (double s : std) {
            if (!(s != 0) || !Double.isFinite(s)) {
                throw JacobiException.usage("A normalisation's std must be finite and not 0; got " + Arrays.toString(std) + ".");
            }
        }
    }

    /** Pixels divided by 255: 0..1. */
    public static Normalization unit() {
        return new Normalization("0..1", 1 / 255.0, new double[] {0}, new double[] {1});
    }

    /** Pixels mapped to -1..1, as MobileNet-style and many TensorFlow models expect. */
    public static Normalization symmetric() {
        return new Normalization("-1..1", 1 / 255.0, new double[] {0.5}, new double[] {0.5});
    }

    /** 0..1, then ImageNet's mean and std per channel (torchvision's classifiers). */
    public static Normalization imagenet() {
        return new Normalization("imagenet", 1 / 255.0, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** The pixel values 0..255 unchanged. */
    public static Normalization raw() {
        return new Normalization("raw", 1, new double[] {0}, new double[] {1});
    }

    /**
     * A preset name, or a custom {@code mean=R,G,B;std=R,G,B} in 0..1 units, with an optional {@code scale=} (default
     * 1/255; {@code scale=1} gives mean and std in 0..255 units, as OpenCV and MMDetection state them).
     */
    public static Normalization parse(String text) {
        String t = text == null ? "" : text.trim();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "0..1", "unit", "0-1":
                return unit();
            case "-1..1", "symmetric", "-1-1":
                return symmetric();
            case "imagenet":
                return imagenet();
            case "raw", "0..255":
                return raw();
            default:
                break;
        }
        double scale = 1 / 255.0;
        double[] mean = null;
        double[] std = null;
        for (String part : t.split(";")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            switch (key) {
                case "mean" -> mean = numbers(value, text);
                case "std" -> std = numbers(value, text);
                case "scale" -> scale = numbers(value, text)[0];
                default -> throw JacobiException.usage("Unknown normalisation '" + text + "'. Use 0..1, -1..1, imagenet, raw "
                    + "or mean=R,G,B;std=R,G,B (0..1 units; add ;scale=1 for 0..255 units).");
            }
        }
        if (mean == null || std == null) {
            throw JacobiException.usage("The normalisation '" + text + "' needs both mean=... and std=..., e.g. "
                + "mean=0.5,0.5,0.5;std=0.5,0.5,0.5.");
        }
        return new Normalization(t, scale, mean, std);
    }

    private static double[] numbers(String list, String text) {
        String[] parts = list.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            try {
                int slash = p.indexOf('/');
                out[i] = slash > 0 ? Double.parseDouble(p.substring(0, slash)) / Double.parseDouble(p.substring(slash + 1))
                    : Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw JacobiException.usage("The normalisation '" + text + "': '" + p + "' is not a number.");
            }
        }
        return out;
    }

    /** The value for pixel value {@code pixel} (0..255) of channel {@code channel}. */
    public double apply(double pixel, int channel) {
        return (pixel * scale - mean[Math.min(channel, mean.length - 1)]) / std[Math.min(channel, std.length - 1)];
    }

    /**
     * The statistics for data in {@code order}: a preset's per-channel statistics belong to colours (ImageNet's are
     * given for R, G, B) and follow them into BGR order; custom values are taken in the input's own channel order.
     */
    Normalization forChannelOrder(ChannelOrder order) {
        if (order != ChannelOrder.BGR || !equals(imagenet())) {
            return this;
        }
        return new Normalization(name, scale, reversed(mean), reversed(std));
    }

    private static double[] reversed(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[a.length - 1 - i];
        }
        return out;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && n.scale == scale && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale) * 31 * 31 + Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return name;
    }
}
