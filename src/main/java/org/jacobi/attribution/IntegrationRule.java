package org.jacobi.attribution;

import java.util.Arrays;
import java.util.Locale;
import org.jacobi.core.JacobiException;

/**
 * The quadrature rules of Integrated Gradients as (points, weights) on [0, 1], exactly as Captum's
 * {@code captum/attr/_utils/approximation_methods.py} builds them: Riemann sums with {@code n} equal steps of
 * {@code 1/n} (trapezoid: the two end steps halved) at NumPy {@code linspace} points, and Gauss-Legendre nodes and
 * weights scaled from [-1, 1] to [0, 1].
 */
public enum IntegrationRule {
    GAUSS_LEGENDRE("gausslegendre"),
    RIEMANN_LEFT("riemann-left"),
    RIEMANN_RIGHT("riemann-right"),
    RIEMANN_MIDDLE("riemann-middle"),
    RIEMANN_TRAPEZOID("riemann-trapezoid");

    private final String label;

    IntegrationRule(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** A rule by its name; Captum's spelling with an underscore ({@code riemann_left}) is accepted too. */
    public static IntegrationRule parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (IntegrationRule r : values()) {
            if (r.label.equals(t)) {
                return r;
            }
        }
        throw JacobiException.usage("Unknown --rule '" + text + "'. Use gausslegendre, riemann-left, riemann-right, "
            + "riemann-middle or riemann-trapezoid.");
    }

    /** The points in [0, 1] at which the integrand is evaluated, for {@code n} steps. */
    public double[] points(int n) {
        checkSteps(n);
        switch (this) {
            case GAUSS_LEGENDRE: {
                double[][] rule = gaussLegendre(n);
                return Arrays.stream(rule[0]).map(p -> 0.5 * (1 + p)).toArray();
            }
            case RIEMANN_LEFT: return linspace(0, 1 - 1.0 / n, n);
            case RIEMANN_RIGHT: return linspace(1.0 / n, 1, n);
            case RIEMANN_MIDDLE: return linspace(1.0 / (2 * n), 1 - 1.0 / (2 * n), n);
            default: return linspace(0, 1, n);
        }
    }

    /** The weights (step sizes) of the points, summing to 1. */
    public double[] weights(int n) {
        checkSteps(n);
        if (this == GAUSS_LEGENDRE) {
            return Arrays.stream(gaussLegendre(n)[1]).map(w -> 0.5 * w).toArray();
        }
        double[] w = new double[n];
        Arrays.fill(w, 1.0 / n);
        if (this == RIEMANN_TRAPEZOID) {
            w[0] /= 2;
            w[n - 1] /= 2;
        }
        return w;
    }

    private void checkSteps(int n) {
        int least = this == GAUSS_LEGENDRE ? 1 : 2;
        if (n < least) {
            throw JacobiException.usage("--steps must be at least " + least + " for " + label + ", not " + n + ".");
        }
    }

    /**
     * Nodes (ascending, as NumPy's {@code leggauss}) and weights on [-1, 1], by Newton's method on the Legendre
     * polynomial from the usual cosine guesses, in double precision as NumPy refines them. (Commons Math's
     * high-precision rule computes them in BigDecimal: over a second for 50 nodes, on every attribution.)
     */
    static double[][] gaussLegendre(int n) {
        double[][] out = new double[2][n];
        for (int i = 0; i < (n + 1) / 2; i++) {
            double x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int iteration = 0; iteration < 100; iteration++) {
                double step = legendreOverDerivative(n, x)[0];
                x -= step;
                if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(x))) {
                    break;
                }
            }
            double derivative = legendreOverDerivative(n, x)[1]; // at the node itself: near +-1 it changes fast
            double weight = 2 / ((1 - x) * (1 + x) * derivative * derivative);
            out[0][i] = -x; // the guesses run from +1 down: mirrored, the nodes ascend
            out[0][n - 1 - i] = x;
            out[1][i] = weight;
            out[1][n - 1 - i] = weight;
        }
        if (n % 2 == 1) {
            out[0][n / 2] = 0; // the middle node of an odd rule is exactly zero
        }
        return out;
    }

    /** {@code P_n(x) / P_n'(x)} and {@code P_n'(x)}, from the three-term recurrence. */
    private static double[] legendreOverDerivative(int n, double x) {
        double p = 1;
        double previous = 0;
        for (int k = 1; k <= n; k++) {
            double older = previous;
            previous = p;
            p = ((2 * k - 1) * x * previous - (k - 1) * older) / k;
        }
        double derivative = n * (x * p - previous) / (x * x - 1);
        return new double[] {p / derivative, derivative};
    }

    /** NumPy's {@code linspace(start, stop, n)}: {@code start + i * step}, the last point exactly {@code stop}. */
    private static double[] linspace(double start, double stop, int n) {
        double step = (stop - start) / (n - 1);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = i * step + start;
        }
        out[n - 1] = stop;
        return out;
    }
}
