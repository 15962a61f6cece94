package org.jacobi.analysis;

import org.jacobi.core.JacobiException;
import org.jacobi.jacobian.JacobianResult;

/**
 * Saliency maps for image-shaped inputs {@code [C, H, W]}: one output's row of the Jacobian, reshaped to
 * the image, signed or absolute, per channel or summed over channels.
 */
public final class Saliency {
    /** A map of {@code height x width} values, row-major. */
    public record Map2D(int height, int width, double[] values) {
    }

    private Saliency() {
    }

    /** True when one sample of the input is shaped [C, H, W] with C in 1..4. */
    public static boolean isImageShaped(long[] sampleInputShape) {
        return sampleInputShape.length == 3 && sampleInputShape[0] >= 1 && sampleInputShape[0] <= 4
            && sampleInputShape[1] > 1 && sampleInputShape[2] > 1;
    }

    /**
     * @param channel the channel to show, or -1 to sum over channels
     * @param absolute whether to take |dy/dx| before summing
     */
    public static Map2D map(JacobianResult result, int sample, int output, int channel, boolean absolute) {
        long[] shape = result.sampleInputShape();
        if (!isImageShaped(shape)) {
            throw new JacobiException("Input '" + result.wrt() + "' is not image-shaped [C, H, W]; saliency needs one.");
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
        int c = (int) sampleInputShape[0];
        int h = (int) sampleInputShape[1];
        int w = (int) sampleInputShape[2];
        double[] out = new double[h * w];
        for (int ch = 0; ch < c; ch++) {
            if (channel >= 0 && ch != channel) {
                continue;
            }
            for (int p = 0; p < h * w; p++) {
                double v = row[ch * h * w + p];
                out[p] += absolute ? Math.abs(v) : v;
            }
        }
        return new Map2D(h, w, out);
    }
}
