package org.jacobi.ui.attribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.Pixels;
import org.jacobi.analysis.Saliency;
import org.jacobi.analysis.ValueScale;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionRunner;

/** Turns a run's results into what the tab shows: every method on one colour scale, and each over the photo. */
final class Rendering {
    /** How opaque the largest attribution is over the photo. */
    private static final double MAX_ALPHA = 0.85;

    private Rendering() {
    }

    /**
     * @param shared one colour scale for every method (their values compare directly); else each method on its own
     *     (methods whose values differ in size, e.g. occlusion's window effects against gradients, stay readable)
     */
    static AttributionViewModel.Run render(AttributionProblem problem, List<AttributionRunner.Result> results, boolean absolute,
                                           boolean shared) {
        long[] shape = problem.sampleShape();
        boolean image = Saliency.isImageShaped(shape);
        double[] x = problem.xValues();
        List<double[]> maps = new ArrayList<>();
        double[] largest = new double[results.size()];
        double vmax = 0;
        for (int k = 0; k < results.size(); k++) {
            double[] a = results.get(k).values().toDoubleArray();
            double[] map = image ? Saliency.map(a, shape, -1, absolute).values() : magnitudes(a, absolute);
            for (double v : map) {
                largest[k] = Math.max(largest[k], Math.abs(v));
            }
            vmax = Math.max(vmax, largest[k]);
            maps.add(map);
        }
        ColorMaps cmap = absolute ? ColorMaps.VIRIDIS : ColorMaps.RDBU;
        int[] photo = null;
        int w = 0;
        int h = 0;
        if (image) {
            h = (int) shape[1];
            w = (int) shape[2];
            photo = Pixels.image(x, (int) shape[0], h, w);
        }
        List<AttributionPanel> panels = new ArrayList<>();
        for (int k = 0; k < results.size(); k++) {
            double[] map = maps.get(k);
            double top = shared ? vmax : largest[k];
            ValueScale scale = absolute ? new ValueScale(0, top, false, 0) : new ValueScale(-top, top, false, 0);
            int[] colours = image ? Pixels.colour(map, scale, cmap) : null;
            int[] overlay = image ? overlay(photo, colours, map, top) : null;
            panels.add(new AttributionPanel(results.get(k), map, colours, overlay));
        }
        String range = shared ? String.format(Locale.ROOT, "one scale for every method, %s%.3g", absolute ? "0 to " : "±", vmax)
            : "each method on its own scale (its largest value in the caption)";
        String note = (absolute ? "viridis: dark 0, yellow large; " : "blue negative, white zero, red positive; ") + range;
        return new AttributionViewModel.Run(problem, photo, w, h, List.copyOf(panels), problem.describeTarget(), note);
    }

    private static double[] magnitudes(double[] a, boolean absolute) {
        double[] out = a.clone();
        if (absolute) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.abs(out[i]);
            }
        }
        return out;
    }

    /** The photo dimmed to grey under the attribution's colours, opaque in proportion to each value's magnitude. */
    static int[] overlay(int[] photo, int[] colours, double[] map, double vmax) {
        int[] out = new int[photo.length];
        for (int p = 0; p < out.length; p++) {
            int grey = (int) Math.round(ColorMaps.luminance(photo[p]) * 255 * 0.6 + 0.2 * 255);
            double alpha = vmax > 0 ? Math.min(1, Math.abs(map[p]) / vmax) * MAX_ALPHA : 0;
            int c = colours[p];
            out[p] = 0xff000000 | blend(grey, c >> 16 & 0xff, alpha) << 16 | blend(grey, c >> 8 & 0xff, alpha) << 8 | blend(grey, c & 0xff, alpha);
        }
        return out;
    }

    private static int blend(int under, int over, double alpha) {
        return (int) Math.round(under * (1 - alpha) + over * alpha);
    }
}
