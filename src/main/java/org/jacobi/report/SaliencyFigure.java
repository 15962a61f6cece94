package org.jacobi.report;

import org.jacobi.analysis.Saliency;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;

/**
 * The saliency figure of one sample of an image-shaped input, channels first {@code [C, H, W]} or last
 * {@code [H, W, C]} (as photos go into models born in TensorFlow): per pixel, the L2 norm of the Jacobian's rows
 * (every output element, or the target) over the channels.
 */
final class SaliencyFigure {
    private SaliencyFigure() {
    }

    /** An image of either layout with at least 4 x 4 pixels: smaller ones say more as heatmap columns. */
    static boolean applies(long[] sampleInputShape) {
        if (!Saliency.isImageShaped(sampleInputShape)) {
            return false;
        }
        long[] chw = Saliency.channelsFirstShape(sampleInputShape);
        return chw[1] >= 4 && chw[2] >= 4;
    }

    static Block of(ReportSource source, int sample, String who) {
        JacobianResult jr = source.jacobian();
        long[] shape = jr.sampleInputShape();
        long[] chw = Saliency.channelsFirstShape(shape);
        boolean last = Saliency.isChannelsLast(shape);
        int c = (int) chw[0];
        int h = (int) chw[1];
        int w = (int) chw[2];
        int nIn = jr.inputsPerSample();
        int nOut = jr.outputsPerSample();
        float[] j = jr.jacobian().floats();
        double[] sal = new double[h * w];
        long base = (long) sample * nOut * nIn;
        for (int i = 0; i < nOut; i++) {
            long row = base + (long) i * nIn;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    double v = j[(int) (row + (last ? p * c + ch : ch * h * w + p))];
                    sal[p] += v * v;
                }
            }
        }
        for (int p = 0; p < sal.length; p++) {
            sal[p] = Math.sqrt(sal[p]);
        }
        double[] image = new double[nIn];
        Tensor x = source.wrtValue();
        if (x != null && x.size() >= (long) (sample + 1) * nIn) {
            double[] all = x.toDoubleArray();
            System.arraycopy(all, sample * nIn, image, 0, nIn);
        }
        boolean target = source.target() != null;
        String rows = target ? (nOut == 1 ? "the target's gradient" : "the " + nOut + " targets' gradients")
            : "dy/dx over all " + nOut + " output element" + (nOut == 1 ? "" : "s");
        Charts.Png png = Charts.saliency(Saliency.channelsFirst(image, shape), c, h, w, sal, "Saliency of " + who
            + (target ? " for " + source.target().descriptions().get(0) + (nOut > 1 ? " ..." : "") : ""),
            target ? "||dt/dx||" : "||dy/dx||");
        return new Block.Figure(png.bytes(), "Input image and saliency map of " + who, "Left: " + who + " as an image, "
            + "stretched from its smallest to its largest value (a photo appears as it was read); middle: the saliency over "
            + "it; right: the saliency alone, the per-pixel L2 norm of " + rows + " over " + (c == 1 ? "the channel" : "the "
            + c + " channels") + ", light at 0 and dark at its maximum.", png.width(), png.height());
    }
}
