package org.jacobi.optim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;

/**
 * L-BFGS as in PyTorch's {@code torch.optim.LBFGS} with {@code line_search_fn="strong_wolfe"}, and its defaults:
 * history 100, c1 1e-4, c2 0.9, tolerance_grad 1e-7 (max norm of the gradient), tolerance_change 1e-9, learning
 * rate 1, at most 1.25 x max iterations function evaluations. The cost test is relative, as SciPy's L-BFGS-B
 * {@code ftol}: stop when {@code (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= tolerance_change} (PyTorch's absolute
 * test stopped problems with large costs long before they converged); the step test stays PyTorch's absolute one.
 * The gradient is {@code J^T c} from one vector-Jacobian product per evaluation; the Jacobian is never formed.
 *
 * <p>Box bounds and the mask, projected: elements fixed, or at a bound the gradient pushes against, are left out
 * of the search direction. When the first trial step stays inside the box, the strong Wolfe search runs, capped at
 * the nearest bound; when it crosses a bound, the step is halved along the projected path {@code P(x + t d)} until
 * the Armijo condition holds, so several elements can reach their bounds in one iteration.
 */
public final class LbfgsOptimizer implements Optimizer {
    private final int maxIterations;
    private final int maxEvaluations;
    private final int historySize;
    private final double c1;
    private final double c2;
    private final double toleranceGrad;
    private final double toleranceChange;
    private final double learningRate;
    private final int maxLineSearchSteps;

    /** PyTorch's defaults, with 100 iterations. */
    public LbfgsOptimizer() {
        this(100, 0, 100, 1e-4, 0.9, 1e-7, 1e-9, 1.0, 25);
    }

    private LbfgsOptimizer(int maxIterations, int maxEvaluations, int historySize, double c1, double c2,
                           double toleranceGrad, double toleranceChange, double learningRate, int maxLineSearchSteps) {
        this.maxIterations = maxIterations;
        this.maxEvaluations = maxEvaluations;
        this.historySize = historySize;
        this.c1 = c1;
        this.c2 = c2;
        this.toleranceGrad = toleranceGrad;
        this.toleranceChange = toleranceChange;
        this.learningRate = learningRate;
        this.maxLineSearchSteps = maxLineSearchSteps;
    }

    public LbfgsOptimizer withMaxIterations(int value) {
        return new LbfgsOptimizer(LevenbergMarquardtOptimizer.positive(value, "max iterations"), maxEvaluations, historySize, c1, c2, toleranceGrad, toleranceChange, learningRate, maxLineSearchSteps);
    }

    /** The most function evaluations; 0 for PyTorch's default, 1.25 x max iterations. */
    public LbfgsOptimizer withMaxEvaluations(int value) {
        if (value < 0) {
            throw JacobiException.usage("The max evaluations must be >= 0, not " + value + ".");
        }
        return new LbfgsOptimizer(maxIterations, value, historySize, c1, c2, toleranceGrad, toleranceChange, learningRate, maxLineSearchSteps);
    }

    public LbfgsOptimizer withHistorySize(int value) {
        return new LbfgsOptimizer(maxIterations, maxEvaluations, LevenbergMarquardtOptimizer.positive(value, "history size"), c1, c2, toleranceGrad, toleranceChange, learningRate, maxLineSearchSteps);
    }

    /** The Wolfe constants, {@code 0 < c1 < c2 < 1}. */
    public LbfgsOptimizer withWolfe(double newC1, double newC2) {
        if (!(newC1 > 0 && newC1 < newC2 && newC2 < 1)) {
            throw JacobiException.usage("The Wolfe constants need 0 < c1 < c2 < 1; got c1 " + newC1 + ", c2 " + newC2 + ".");
        }
        return new LbfgsOptimizer(maxIterations, maxEvaluations, historySize, newC1, newC2, toleranceGrad, toleranceChange, learningRate, maxLineSearchSteps);
    }

    public LbfgsOptimizer withToleranceGrad(double value) {
        return new LbfgsOptimizer(maxIterations, maxEvaluations, historySize, c1, c2, LevenbergMarquardtOptimizer.nonNegative(value, "gradient tolerance"), toleranceChange, learningRate, maxLineSearchSteps);
    }

    public LbfgsOptimizer withToleranceChange(double value) {
        return new LbfgsOptimizer(maxIterations, maxEvaluations, historySize, c1, c2, toleranceGrad, LevenbergMarquardtOptimizer.nonNegative(value, "change tolerance"), learningRate, maxLineSearchSteps);
    }

    public LbfgsOptimizer withLearningRate(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw JacobiException.usage("The learning rate must be > 0, not " + value + ".");
        }
        return new LbfgsOptimizer(maxIterations, maxEvaluations, historySize, c1, c2, toleranceGrad, toleranceChange, value, maxLineSearchSteps);
    }

    public LbfgsOptimizer withMaxLineSearchSteps(int value) {
        return new LbfgsOptimizer(maxIterations, maxEvaluations, historySize, c1, c2, toleranceGrad, toleranceChange, learningRate, LevenbergMarquardtOptimizer.positive(value, "line search steps"));
    }

    public int maxIterations() {
        return maxIterations;
    }

    public int maxEvaluations() {
        return maxEvaluations > 0 ? maxEvaluations : (int) Math.min(Integer.MAX_VALUE, Math.round(maxIterations * 1.25));
    }

    public int historySize() {
        return historySize;
    }

    public double c1() {
        return c1;
    }

    public double c2() {
        return c2;
    }

    public double toleranceGrad() {
        return toleranceGrad;
    }

    public double toleranceChange() {
        return toleranceChange;
    }

    public double learningRate() {
        return learningRate;
    }

    public int maxLineSearchSteps() {
        return maxLineSearchSteps;
    }

    @Override
    public OptimizationMethod method() {
        return OptimizationMethod.LBFGS;
    }

    /** One curvature pair of the history. */
    private record Pair(double[] s, double[] y, double rho) {
    }

    @Override
    public OptimizationResult optimize(OptimizationProblem problem, IterationListener listener, ProgressMonitor monitor) {
        Evaluator ev = new Evaluator(problem, OptimizationMethod.LBFGS, listener, monitor);
        Evaluator.Point current = null;
        try {
            current = ev.evaluateWithGradient(problem.projectedStart());
            ev.start(current);
            if (!current.finite()) {
                ev.record(0, current.cost, Double.NaN, Double.NaN, 0, Double.NaN, 0, Double.NaN, Double.NaN, false, current.x);
                return ev.result(current, StopReason.NON_FINITE);
            }
            int n = ev.size();
            double gradientNorm = ev.projectedGradientNorm(current.x, current.gradient);
            ev.record(0, current.cost, Double.NaN, gradientNorm, 0, Double.NaN, 1, Double.NaN, Double.NaN, true, current.x);
            if (gradientNorm <= toleranceGrad) {
                return ev.result(current, StopReason.GRADIENT_TOLERANCE);
            }
            Deque<Pair> history = new ArrayDeque<>();
            double hessianDiagonal = 1;
            int evaluations = 1;
            int evaluationLimit = maxEvaluations();
            for (int iteration = 1; iteration <= maxIterations; iteration++) {
                monitor.checkCancelled();
                boolean[] free = ev.freeSet(current.x, current.gradient);
                double[] d = direction(current.gradient, free, history, hessianDiagonal);
                keepInsideBox(problem, current.x, d);
                double gtd = Evaluator.dot(current.gradient, d);
                double costScale = Math.max(Math.abs(current.cost), 1);
                if (gtd > -toleranceChange * costScale && !history.isEmpty()) {
                    // The history no longer gives a descent direction (the active set changed): restart from steepest descent.
                    history.clear();
                    hessianDiagonal = 1;
                    d = direction(current.gradient, free, history, 1);
                    keepInsideBox(problem, current.x, d);
                    gtd = Evaluator.dot(current.gradient, d);
                }
                if (gtd > -toleranceChange * costScale) {
                    // the predicted decrease is below the relative cost tolerance
                    return ev.result(current, StopReason.COST_TOLERANCE);
                }
                double t = history.isEmpty() && iteration == 1
                    ? Math.min(1.0, 1.0 / l1Norm(current.gradient)) * learningRate : learningRate;
                double maxStep = stepToBound(problem, current.x, d);
                StrongWolfeLineSearch ls = new StrongWolfeLineSearch(ev, current, d, gtd, maxStep, c1, c2, maxLineSearchSteps, toleranceChange);
                Evaluator.Point next = t <= maxStep ? ls.run(t) : ls.projectedBacktracking(t);
                evaluations += ls.evaluations;
                if (next == null) {
                    ev.record(iteration, current.cost, Double.NaN, gradientNorm, 0, Double.NaN, ls.evaluations, Double.NaN,
                        ls.lastStep, false, current.x);
                    if (!history.isEmpty()) {
                        history.clear();
                        hessianDiagonal = 1;
                        if (evaluations >= evaluationLimit) {
                            return ev.result(current, StopReason.EVALUATION_LIMIT);
                        }
                        continue;
                    }
                    return ev.result(current, ls.sawNonFinite ? StopReason.NON_FINITE : StopReason.NO_PROGRESS);
                }
                double[] s = new double[n];
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    s[i] = next.x[i] - current.x[i];
                    y[i] = next.gradient[i] - current.gradient[i];
                }
                double ys = Evaluator.dot(y, s);
                if (ys > 1e-10) {
                    if (history.size() == historySize) {
                        history.removeFirst();
                    }
                    history.addLast(new Pair(s, y, 1.0 / ys));
                    hessianDiagonal = ys / Evaluator.dot(y, y);
                }
                double costChange = current.cost - next.cost;
                double relativeCostChange = costChange / Math.max(Math.max(Math.abs(current.cost), Math.abs(next.cost)), 1);
                double stepMax = Evaluator.maxAbs(s);
                current = next;
                gradientNorm = ev.projectedGradientNorm(current.x, current.gradient);
                ev.record(iteration, current.cost, costChange, gradientNorm, Evaluator.norm(s), Double.NaN, ls.evaluations,
                    Double.NaN, ls.step, true, current.x);
                if (gradientNorm <= toleranceGrad) {
                    return ev.result(current, StopReason.GRADIENT_TOLERANCE);
                }
                if (stepMax <= toleranceChange) {
                    return ev.result(current, StopReason.STEP_TOLERANCE);
                }
                if (relativeCostChange <= toleranceChange) {
                    return ev.result(current, StopReason.COST_TOLERANCE);
                }
                if (evaluations >= evaluationLimit) {
                    return ev.result(current, StopReason.EVALUATION_LIMIT);
                }
            }
            return ev.result(current, StopReason.ITERATION_LIMIT);
        } catch (CancelledException e) {
            return ev.result(current, StopReason.CANCELLED);
        }
    }

    /** The two-loop recursion {@code d = -H g} on the free elements (0 elsewhere). */
    private static double[] direction(double[] g, boolean[] free, Deque<Pair> history, double hessianDiagonal) {
        int n = g.length;
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = free[i] ? -g[i] : 0;
        }
        double[] al = new double[history.size()];
        int k = history.size() - 1;
        for (Iterator<Pair> it = history.descendingIterator(); it.hasNext(); k--) {
            Pair p = it.next();
            al[k] = p.rho * maskedDot(p.s, q, free);
            axpyMasked(-al[k], p.y, q, free);
        }
        for (int i = 0; i < n; i++) {
            q[i] *= hessianDiagonal;
        }
        k = 0;
        for (Pair p : history) {
            double be = p.rho * maskedDot(p.y, q, free);
            axpyMasked(al[k] - be, p.s, q, free);
            k++;
        }
        return q;
    }

    /** Drops direction components that point out of the box from an element sitting on its bound. */
    private static void keepInsideBox(OptimizationProblem problem, double[] x, double[] d) {
        for (int i = 0; i < x.length; i++) {
            if ((x[i] <= problem.lower(i) && d[i] < 0) || (x[i] >= problem.upper(i) && d[i] > 0)) {
                d[i] = 0;
            }
        }
    }

    private static double maskedDot(double[] a, double[] b, boolean[] free) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (free[i]) {
                s += a[i] * b[i];
            }
        }
        return s;
    }

    private static void axpyMasked(double a, double[] x, double[] y, boolean[] free) {
        for (int i = 0; i < x.length; i++) {
            if (free[i]) {
                y[i] += a * x[i];
            }
        }
    }

    private static double l1Norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += Math.abs(v);
        }
        return s;
    }

    /** The largest t with {@code x + t d} inside the box. */
    private static double stepToBound(OptimizationProblem problem, double[] x, double[] d) {
        double t = Double.POSITIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            if (d[i] > 0) {
                t = Math.min(t, (problem.upper(i) - x[i]) / d[i]);
            } else if (d[i] < 0) {
                t = Math.min(t, (problem.lower(i) - x[i]) / d[i]);
            }
        }
        return t;
    }
}
