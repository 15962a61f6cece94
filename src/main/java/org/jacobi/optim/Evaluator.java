package org.jacobi.optim;

import java.util.ArrayList;
import java.util.List;
import org.jacobi.core.ProgressMonitor;

/** The cost, gradient and Jacobian of one problem, with evaluation counts, timing and the iteration log. */
final class Evaluator {
    private final OptimizationProblem problem;
    private final DifferentiableFunction function;
    private final Target target;
    private final OptimizationMethod method;
    private final IterationListener listener;
    private final ProgressMonitor monitor;
    private final double[] anchor;
    private final long startNanos = System.nanoTime();
    private final List<IterationRecord> records = new ArrayList<>();
    private final int n;
    int functionEvaluations;
    int derivativeEvaluations;
    private double initialCost = Double.NaN;
    private double initialTargetCost = Double.NaN;

    Evaluator(OptimizationProblem problem, OptimizationMethod method, IterationListener listener, ProgressMonitor monitor) {
        this.problem = problem;
        this.function = problem.function();
        this.target = problem.target();
        this.method = method;
        this.listener = listener;
        this.monitor = monitor;
        this.anchor = problem.start();
        this.n = problem.size();
    }

    /** A point with its output, residual and cost; the gradient and residual Jacobian when computed. */
    static final class Point {
        final double[] x;
        final double[] y;
        final double[] r;
        final double targetCost;
        final double cost;
        double[] gradient;
        double[] residualJacobian;

        Point(double[] x, double[] y, double[] r, double targetCost, double cost) {
            this.x = x;
            this.y = y;
            this.r = r;
            this.targetCost = targetCost;
            this.cost = cost;
        }

        boolean finite() {
            return Double.isFinite(cost) && (gradient == null || allFinite(gradient))
                && (residualJacobian == null || allFinite(residualJacobian));
        }
    }

    ProgressMonitor monitor() {
        return monitor;
    }

    OptimizationProblem problem() {
        return problem;
    }

    /** f(x) and the cost. */
    Point evaluate(double[] x) {
        monitor.checkCancelled();
        double[] y = function.value(x, monitor);
        functionEvaluations++;
        return point(x, y);
    }

    /** f(x), the cost and its gradient {@code J^T c + alpha (x - x0)} through one vector-Jacobian product. */
    Point evaluateWithGradient(double[] x) {
        Point p = evaluate(x);
        if (!Double.isFinite(p.cost)) {
            return p;
        }
        double[] c = target.outputCotangent(p.y, p.r);
        double[] jtc = function.vectorJacobianProduct(x, c, monitor);
        derivativeEvaluations++;
        p.gradient = regularisedGradient(x, jtc);
        return p;
    }

    /** f(x), the cost, the residual Jacobian and the gradient, from one full Jacobian. */
    Point linearize(double[] x) {
        monitor.checkCancelled();
        DifferentiableFunction.Linearization lin = function.linearize(x, monitor);
        functionEvaluations++;
        derivativeEvaluations++;
        Point p = point(x, lin.value());
        if (!Double.isFinite(p.cost)) {
            return p;
        }
        p.residualJacobian = target.residualJacobian(p.y, lin.jacobian(), n);
        int mr = p.r.length;
        double[] jtr = new double[n];
        for (int i = 0; i < mr; i++) {
            double ri = p.r[i];
            if (ri != 0) {
                int row = i * n;
                for (int k = 0; k < n; k++) {
                    jtr[k] += p.residualJacobian[row + k] * ri;
                }
            }
        }
        p.gradient = regularisedGradient(x, jtr);
        return p;
    }

    private Point point(double[] x, double[] y) {
        double[] r = target.residual(y);
        double targetCost = 0.5 * dot(r, r);
        double cost = targetCost;
        double alpha = problem.alpha();
        if (alpha > 0) {
            double reg = 0;
            for (int i = 0; i < n; i++) {
                double d = x[i] - anchor[i];
                reg += d * d;
            }
            cost += 0.5 * alpha * reg;
        }
        if (Double.isNaN(cost)) {
            cost = Double.POSITIVE_INFINITY;
        }
        return new Point(x.clone(), y, r, targetCost, cost);
    }

    /** Adds the regulariser's gradient and zeroes fixed elements, which never move. */
    private double[] regularisedGradient(double[] x, double[] g) {
        double alpha = problem.alpha();
        for (int i = 0; i < n; i++) {
            if (problem.isFixed(i)) {
                g[i] = 0;
            } else if (alpha > 0) {
                g[i] += alpha * (x[i] - anchor[i]);
            }
        }
        return g;
    }

    /** Elements that may move: not fixed, and not at a bound the gradient pushes against. */
    boolean[] freeSet(double[] x, double[] g) {
        boolean[] free = new boolean[n];
        for (int i = 0; i < n; i++) {
            free[i] = !problem.isFixed(i) && !(x[i] <= problem.lower(i) && g[i] > 0)
                && !(x[i] >= problem.upper(i) && g[i] < 0);
        }
        return free;
    }

    /** The max norm of {@code P(x - g) - x}: the gradient with the components blocked by the box removed. */
    double projectedGradientNorm(double[] x, double[] g) {
        double norm = 0;
        for (int i = 0; i < n; i++) {
            double moved = Math.min(problem.upper(i), Math.max(problem.lower(i), x[i] - g[i])) - x[i];
            norm = Math.max(norm, Math.abs(moved));
        }
        return norm;
    }

    void start(Point p) {
        initialCost = p.cost;
        initialTargetCost = p.targetCost;
    }

    void record(int iteration, double cost, double costChange, double gradientNorm, double stepNorm, double gainRatio,
                int lineSearchEvaluations, double damping, double stepSize, boolean accepted, double[] x) {
        IterationRecord rec = new IterationRecord(method, iteration, cost, costChange, gradientNorm, stepNorm, gainRatio,
            lineSearchEvaluations, damping, stepSize, accepted, (System.nanoTime() - startNanos) / 1e6);
        records.add(rec);
        listener.iteration(rec, x.clone());
    }

    OptimizationResult result(Point best, StopReason reason) {
        double[] x = best == null ? problem.projectedStart() : best.x;
        double[] y = best == null ? new double[0] : best.y;
        double cost = best == null ? Double.NaN : best.cost;
        double targetCost = best == null ? Double.NaN : best.targetCost;
        return new OptimizationResult(method, x.clone(), y.clone(), reason, records, initialCost, cost,
            initialTargetCost, targetCost, functionEvaluations, derivativeEvaluations, function.derivativeSource());
    }

    int size() {
        return n;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
