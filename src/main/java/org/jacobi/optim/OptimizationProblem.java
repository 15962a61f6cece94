package org.jacobi.optim;

import java.util.Arrays;
import org.jacobi.core.JacobiException;

/**
 * Minimise {@code 0.5 ||r(f(x))||^2 + 0.5 alpha ||x - x0||^2} over x, where r is the target's residual
 * ({@code f(x) - t} for target values), elements marked fixed stay at x0 and every element stays within its box
 * {@code [lower, upper]}. Immutable: the {@code with...} methods return changed copies.
 */
public final class OptimizationProblem {
    private final DifferentiableFunction function;
    private final Target target;
    private final double[] start;
    private final double alpha;
    private final boolean[] fixed;
    private final double[] lower;
    private final double[] upper;

    private OptimizationProblem(DifferentiableFunction function, Target target, double[] start, double alpha,
                                boolean[] fixed, double[] lower, double[] upper) {
        this.function = function;
        this.target = target;
        this.start = start;
        this.alpha = alpha;
        this.fixed = fixed;
        this.lower = lower;
        this.upper = upper;
    }

    /** The unconstrained, unregularised problem of reaching {@code target} from {@code start}. */
    public static OptimizationProblem of(DifferentiableFunction function, Target target, double[] start) {
        int n = function.inputSize();
        if (start.length != n) {
            throw new IllegalArgumentException("start has " + start.length + " elements, the function takes " + n);
        }
        target.checkFits(function.outputSize());
        double[] lo = new double[n];
        double[] hi = new double[n];
        Arrays.fill(lo, Double.NEGATIVE_INFINITY);
        Arrays.fill(hi, Double.POSITIVE_INFINITY);
        return new OptimizationProblem(function, target, start.clone(), 0, new boolean[n], lo, hi);
    }

    /** Adds {@code 0.5 alpha ||x - x0||^2}, which keeps the result near the start. */
    public OptimizationProblem withAlpha(double newAlpha) {
        if (!(newAlpha >= 0) || Double.isInfinite(newAlpha)) {
            throw JacobiException.usage("alpha must be a finite number >= 0, not " + newAlpha + ".");
        }
        return new OptimizationProblem(function, target, start, newAlpha, fixed, lower, upper);
    }

    /** Elements where {@code newFixed[i]} is true keep their starting value. */
    public OptimizationProblem withFixed(boolean[] newFixed) {
        if (newFixed.length != start.length) {
            throw JacobiException.usage("The mask has " + newFixed.length + " elements but the input sample has "
                + start.length + ". Give a mask shaped like one input sample.");
        }
        return new OptimizationProblem(function, target, start, alpha, newFixed.clone(), lower, upper);
    }

    /** The same box for every element; use infinities for no bound. */
    public OptimizationProblem withBounds(double lo, double hi) {
        double[] l = new double[start.length];
        double[] h = new double[start.length];
        Arrays.fill(l, lo);
        Arrays.fill(h, hi);
        return withBounds(l, h);
    }

    /** A box per element; use infinities for no bound. */
    public OptimizationProblem withBounds(double[] lo, double[] hi) {
        if (lo.length != start.length || hi.length != start.length) {
            throw new IllegalArgumentException("bounds must have " + start.length + " elements");
        }
        for (int i = 0; i < lo.length; i++) {
            if (Double.isNaN(lo[i]) || Double.isNaN(hi[i]) || lo[i] > hi[i]) {
                throw JacobiException.usage("The lower bound " + lo[i] + " is above the upper bound " + hi[i]
                    + ". Give lower <= upper.");
            }
        }
        return new OptimizationProblem(function, target, start, alpha, fixed, lo.clone(), hi.clone());
    }

    public OptimizationProblem withTarget(Target newTarget) {
        newTarget.checkFits(function.outputSize());
        return new OptimizationProblem(function, newTarget, start, alpha, fixed, lower, upper);
    }

    public DifferentiableFunction function() {
        return function;
    }

    public Target target() {
        return target;
    }

    /** x0 as given (it may lie outside the box; the optimizers start from its projection). */
    public double[] start() {
        return start.clone();
    }

    public double alpha() {
        return alpha;
    }

    public boolean isFixed(int i) {
        return fixed[i];
    }

    public boolean[] fixed() {
        return fixed.clone();
    }

    public double[] lower() {
        return lower.clone();
    }

    public double[] upper() {
        return upper.clone();
    }

    public boolean hasBounds() {
        for (int i = 0; i < lower.length; i++) {
            if (lower[i] != Double.NEGATIVE_INFINITY || upper[i] != Double.POSITIVE_INFINITY) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return start.length;
    }

    /** Where the optimizers start: x0 clipped into the box (fixed elements too: a box is a hard limit). */
    public double[] projectedStart() {
        double[] x = start.clone();
        project(x);
        return x;
    }

    /** Clips x into the box in place. */
    void project(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
        }
    }

    double lower(int i) {
        return lower[i];
    }

    double upper(int i) {
        return upper[i];
    }
}
