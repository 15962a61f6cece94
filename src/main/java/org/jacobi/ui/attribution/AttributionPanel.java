package org.jacobi.ui.attribution;

import java.util.Locale;
import org.jacobi.attribution.AttributionRunner;

/**
 * One method's result as the tab shows it.
 *
 * @param result the runner's result for the one sample shown ({@code [1, *input sample shape]})
 * @param map the attribution summed over channels ({@code height x width} for images, else one value per element)
 * @param attribution its pixels on the tab's shared colour scale (null for inputs that are not images)
 * @param overlay the attribution over the photo (null for inputs that are not images)
 */
public record AttributionPanel(AttributionRunner.Result result, double[] map, int[] attribution, int[] overlay) {
    public String method() {
        return result.method();
    }

    /** The deletion or insertion curve of the sample shown, or null when it was not computed. */
    public double[] curve(String metric) {
        double[][][] c = result.curves().get(metric);
        return c == null ? null : c[0][0];
    }

    /** The area under the deletion or insertion curve, or NaN. */
    public double area(String metric) {
        double[][] m = result.metrics().get(metric);
        return m == null ? Double.NaN : m[0][0];
    }

    /** Integrated Gradients' completeness gap sum(a) - (f(x) - f(baseline)), or NaN for other methods. */
    public double completenessGap() {
        return result.completenessGap() == null ? Double.NaN : result.completenessGap()[0][0];
    }

    /** The method's name, with Integrated Gradients' completeness gap. */
    public String caption() {
        double gap = completenessGap();
        return Double.isNaN(gap) ? method() : String.format(Locale.ROOT, "%s (completeness gap %.2g)", method(), gap);
    }

    /** The largest magnitude of {@link #map()}: what the colour scale reaches when each method has its own. */
    public double largest() {
        double m = 0;
        for (double v : map) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
