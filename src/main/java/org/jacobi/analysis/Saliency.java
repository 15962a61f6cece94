package org.jacobi.analysis;

import org.jacobi.core.JacobiException;
import org.jacobi.jacobian.JacobianResult;

/**
 * Saliency maps for image-shaped inputs, channels first {@code [C, H, W]} or channels last {@code [H, W, C]} (as
 * TensorFlow-born models take photos): one output's row of the Jacobian, reshaped to the image, signed or absolute,
 * per channel or summed over channels.
 */
public final class Saliency {
    /** A map of {@code height x width} values, row-major. */
    public record Map2D(int height, int width, double[] values) {
    }

    private Saliency() {
    }

    /** True when one sample of the input is shaped [C, H, W] or [H, W, C] with C in 1..4. */
    public static boolean isImageShaped(long[] sampleInputShape) {
        return isChannelsFirst(sampleInputShape) || isChannelsLast(sampleInputShape);
    }

    /** [C, H, W] with C in 1..4; a shape that reads both ways (e.g. [3, 8, 3]) is taken as channels first. */
    private static boolean isChannelsFirst(long[] s) {
        return s.length == 3 && s[0] >= 1 && s[0] <= 4 && s[1] > 1 && s[2] > 1;
    }

    /** [H, W, C] with C in 1..4 that is not also [C, H, W]. */
    public static boolean isChannelsLast(long[] s) {
        return s.length == 3 && !isChannelsFirst(s) && s[2] >= 1 && s[2] <= 4 && s[0] > 1 && s[1] > 1;
    }

    /** The image's [C, H, W] for an image-shaped sample shape of either layout. */
    public static long[] channelsFirstShape(long[] s) {
        return isChannelsLast(s) ? new long[] {s[2], s[0], s[1]} : s.clone();
    }

    /** One sample's values in [C, H, W] order: those of an [H, W, C] sample transposed, others as they are. */
    public static double[] channelsFirst(double[] values, long[] sampleShape) {
        if (!isChannelsLast(sampleShape)) {
            return values;
        }
        int h = (int) sampleShape[0];
        int w = (int) sampleShape[1];
        int c = (int) sampleShape[2];
        double[] out = new double[values.length];
        for (int p = 0; p < h * w; p++) {
            for (int ch = 0; ch < c; ch++) {
                out[ch * h * w + p] = values[p * c + ch];
            }
        }
        return out;
    }

    /**
     * @param channel the channel to show, or -1 to sum over channels
     * @param absolute whether to take |dy/dx| before summing
     */
    public static Map2D map(JacobianResult result, int sample, int output, int channel, boolean absolute) {
        long[] shape = result.sampleInputShape();
        if (!isImageShaped(shape)) {
            throw new JacobiException("Input '" + result.wrt() + "' is not image-shaped ([C, H, W] or [H, W, C]); saliency needs one.");
        }
        int nIn = (int) (shape[0] * shape[1] * shape[2]);
        if (output < 0 || output >= result.outputsPerSample()) {
            throw new JacobiException("Output index " + output + " is out of range 0.." + (result.outputsPerSample() - 1) + ".");
        }
        float[] j = result.jacobian().floats();
        int base = (sample * result.outputsPerSample() + output) * nIn;
        double[] row = new double[nIn];
        for (int i = 0; i < nIn; i++) {
            row[i] = j[base + i];
        }
        return map(row, shape, channel, absolute);
    }

    /**
     * The map of one Jacobian row (one output's derivative with respect to one sample's input, e.g. from
     * {@link SaliencyRows#row}).
     */
    public static Map2D map(double[] row, long[] sampleInputShape, int channel, boolean absolute) {
        long[] chw = channelsFirstShape(sampleInputShape);
        int c = (int) chw[0];
        int h = (int) chw[1];
        int w = (int) chw[2];
        boolean last = isChannelsLast(sampleInputShape);
        double[] out = new double[h * w];
        for (int ch = 0; ch < c; ch++) {
            if (channel >= 0 && ch != channel) {
                continue;
            }
            for (int p = 0; p < h * w; p++) {
                double v = row[last ? p * c + ch : ch * h * w + p];
                out[p] += absolute ? Math.abs(v) : v;
            }
        }
        return new Map2D(h, w, out);
    }
}
