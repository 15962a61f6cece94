package org.jacobi.optim;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;

/**
 * Gauss-Newton with Levenberg-Marquardt damping and Nielsen's damping update (Madsen, Nielsen and Tingleff,
 * "Methods for non-linear least squares problems", algorithm 3.16): {@code mu0 = tau * max diag(J^T J)}; a step
 * with gain ratio rho > 0 is accepted and {@code mu *= max(1/3, 1 - (2 rho - 1)^3)}, otherwise
 * {@code mu *= nu, nu *= 2}. The step solves {@code (J^T J + (alpha + mu) I) h = -g} on the free elements;
 * when there are fewer residuals m than free elements n it solves the m x m system
 * {@code (J J^T + lambda I) y = J g} instead (Woodbury), so wide inputs such as images stay cheap.
 * Box bounds: elements at a bound the gradient pushes against are held for the step and the trial point is
 * projected into the box; the gain ratio uses the projected step.
 */
public final class LevenbergMarquardtOptimizer implements Optimizer {
    private final int maxIterations;
    private final double gradientTolerance;
    private final double costTolerance;
    private final double stepTolerance;
    private final double initialDampingFactor;

    private static final double MAX_DAMPING = 1e32;

    /** Defaults: 100 iterations, tolerances from Ceres (gradient 1e-10, relative cost change 1e-10, step 1e-8), tau 1e-3. */
    public LevenbergMarquardtOptimizer() {
        this(100, 1e-10, 1e-10, 1e-8, 1e-3);
    }

    private LevenbergMarquardtOptimizer(int maxIterations, double gradientTolerance, double costTolerance,
                                        double stepTolerance, double initialDampingFactor) {
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
        this.costTolerance = costTolerance;
        this.stepTolerance = stepTolerance;
        this.initialDampingFactor = initialDampingFactor;
    }

    /** The most iterations, rejected steps included. */
    public LevenbergMarquardtOptimizer withMaxIterations(int value) {
        return new LevenbergMarquardtOptimizer(positive(value, "max iterations"), gradientTolerance, costTolerance, stepTolerance, initialDampingFactor);
    }

    /** Stop when the max norm of the projected gradient is at most this. */
    public LevenbergMarquardtOptimizer withGradientTolerance(double value) {
        return new LevenbergMarquardtOptimizer(maxIterations, nonNegative(value, "gradient tolerance"), costTolerance, stepTolerance, initialDampingFactor);
    }

    /** Stop when an accepted step lowers the cost by at most this fraction of it. */
    public LevenbergMarquardtOptimizer withCostTolerance(double value) {
        return new LevenbergMarquardtOptimizer(maxIterations, gradientTolerance, nonNegative(value, "cost tolerance"), stepTolerance, initialDampingFactor);
    }

    /** Stop when {@code ||h|| <= tol (||x|| + tol)}. */
    public LevenbergMarquardtOptimizer withStepTolerance(double value) {
        return new LevenbergMarquardtOptimizer(maxIterations, gradientTolerance, costTolerance, nonNegative(value, "step tolerance"), initialDampingFactor);
    }

    /** tau in {@code mu0 = tau * max diag(J^T J)}: small trusts Gauss-Newton from the start, large starts like gradient descent. */
    public LevenbergMarquardtOptimizer withInitialDampingFactor(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw JacobiException.usage("The initial damping factor must be > 0, not " + value + ".");
        }
        return new LevenbergMarquardtOptimizer(maxIterations, gradientTolerance, costTolerance, stepTolerance, value);
    }

    public int maxIterations() {
        return maxIterations;
    }

    public double gradientTolerance() {
        return gradientTolerance;
    }

    public double costTolerance() {
        return costTolerance;
    }

    public double stepTolerance() {
        return stepTolerance;
    }

    public double initialDampingFactor() {
        return initialDampingFactor;
    }

    @Override
    public OptimizationMethod method() {
        return OptimizationMethod.GAUSS_NEWTON;
    }

    @Override
    public OptimizationResult optimize(OptimizationProblem problem, IterationListener listener, ProgressMonitor monitor) {
        Evaluator ev = new Evaluator(problem, OptimizationMethod.GAUSS_NEWTON, listener, monitor);
        Evaluator.Point current = null;
        try {
            current = ev.linearize(problem.projectedStart());
            ev.start(current);
            if (!current.finite()) {
                ev.record(0, current.cost, Double.NaN, Double.NaN, 0, Double.NaN, 0, Double.NaN, Double.NaN, false, current.x);
                return ev.result(current, StopReason.NON_FINITE);
            }
            int n = ev.size();
            double alpha = problem.alpha();
            double mu = initialDampingFactor * maxDiagonal(current, ev.freeSet(current.x, current.gradient), alpha);
            if (!(mu > 0)) {
                mu = initialDampingFactor;
            }
            double nu = 2;
            double gradientNorm = ev.projectedGradientNorm(current.x, current.gradient);
            ev.record(0, current.cost, Double.NaN, gradientNorm, 0, Double.NaN, 0, mu, Double.NaN, true, current.x);
            if (gradientNorm <= gradientTolerance) {
                return ev.result(current, StopReason.GRADIENT_TOLERANCE);
            }
            for (int iteration = 1; iteration <= maxIterations; iteration++) {
                monitor.checkCancelled();
                boolean[] free = ev.freeSet(current.x, current.gradient);
                double[] h = dampedStep(current.residualJacobian, current.r, regularisationGradient(problem, current.x),
                    free, alpha + mu);
                double[] trialX = current.x.clone();
                for (int i = 0; i < n; i++) {
                    trialX[i] += h[i];
                }
                problem.project(trialX);
                double[] step = new double[n];
                for (int i = 0; i < n; i++) {
                    step[i] = trialX[i] - current.x[i];
                }
                double stepNorm = Evaluator.norm(step);
                if (!Double.isFinite(stepNorm)) {
                    ev.record(iteration, current.cost, Double.NaN, gradientNorm, stepNorm, Double.NaN, 0, mu, Double.NaN, false, current.x);
                    return ev.result(current, StopReason.NON_FINITE);
                }
                if (stepNorm <= stepTolerance * (Evaluator.norm(current.x) + stepTolerance)) {
                    ev.record(iteration, current.cost, 0, gradientNorm, stepNorm, Double.NaN, 0, mu, Double.NaN, false, current.x);
                    return ev.result(current, StopReason.STEP_TOLERANCE);
                }
                double predicted = predictedDecrease(current, step, alpha);
                Evaluator.Point trial = ev.evaluate(trialX);
                double actual = current.cost - trial.cost;
                double rho = predicted > 0 && Double.isFinite(trial.cost) ? actual / predicted : Double.NEGATIVE_INFINITY;
                double muUsed = mu;
                if (rho > 0) {
                    Evaluator.Point next = ev.linearize(trialX);
                    if (!next.finite()) {
                        ev.record(iteration, next.cost, actual, Double.NaN, stepNorm, rho, 0, muUsed, Double.NaN, true, next.x);
                        return ev.result(current, StopReason.NON_FINITE);
                    }
                    double oldCost = current.cost;
                    current = next;
                    double t = 2 * rho - 1;
                    mu *= Math.max(1.0 / 3, 1 - t * t * t);
                    nu = 2;
                    gradientNorm = ev.projectedGradientNorm(current.x, current.gradient);
                    ev.record(iteration, current.cost, oldCost - current.cost, gradientNorm, stepNorm, rho, 0, muUsed, Double.NaN, true, current.x);
                    if (gradientNorm <= gradientTolerance) {
                        return ev.result(current, StopReason.GRADIENT_TOLERANCE);
                    }
                    if (Math.abs(oldCost - current.cost) <= costTolerance * oldCost) {
                        return ev.result(current, StopReason.COST_TOLERANCE);
                    }
                } else {
                    ev.record(iteration, current.cost, Double.isFinite(actual) ? actual : Double.NaN, gradientNorm, stepNorm,
                        Double.isFinite(rho) ? rho : Double.NaN, 0, muUsed, Double.NaN, false, current.x);
                    mu *= nu;
                    nu *= 2;
                    if (mu > MAX_DAMPING) {
                        return ev.result(current, StopReason.NO_PROGRESS);
                    }
                }
            }
            return ev.result(current, StopReason.ITERATION_LIMIT);
        } catch (CancelledException e) {
            return ev.result(current, StopReason.CANCELLED);
        }
    }

    /** {@code L(0) - L(s) = -(g.s + 0.5 ||J s||^2 + 0.5 alpha ||s||^2)}, the decrease the Gauss-Newton model predicts. */
    private static double predictedDecrease(Evaluator.Point p, double[] s, double alpha) {
        int n = s.length;
        int mr = p.r.length;
        double quadratic = alpha * Evaluator.dot(s, s);
        for (int i = 0; i < mr; i++) {
            double js = 0;
            int row = i * n;
            for (int k = 0; k < n; k++) {
                js += p.residualJacobian[row + k] * s[k];
            }
            quadratic += js * js;
        }
        return -(Evaluator.dot(p.gradient, s) + 0.5 * quadratic);
    }

    /** max over free k of {@code (J^T J)_kk + alpha}: Nielsen's scale for the first damping. */
    private static double maxDiagonal(Evaluator.Point p, boolean[] free, double alpha) {
        int n = free.length;
        int mr = p.r.length;
        double max = 0;
        for (int k = 0; k < n; k++) {
            if (!free[k]) {
                continue;
            }
            double s = alpha;
            for (int i = 0; i < mr; i++) {
                double v = p.residualJacobian[i * n + k];
                s += v * v;
            }
            max = Math.max(max, s);
        }
        return max;
    }

    /** {@code alpha (x - x0)}, the regulariser's part of the gradient. */
    private static double[] regularisationGradient(OptimizationProblem problem, double[] x) {
        double[] x0 = problem.start();
        double[] v = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = problem.alpha() * (x[i] - x0[i]);
        }
        return v;
    }

    /**
     * Solves {@code (J^T J + lambda I) h = -(J^T r + v)} over the free elements (h is 0 elsewhere); v is the
     * regulariser's gradient. With fewer residuals m than free elements, Woodbury's identity gives the m x m
     * systems {@code h = -J^T (J J^T + lambda I)^-1 r - (v - J^T (J J^T + lambda I)^-1 J v) / lambda}; the first
     * term avoids dividing by a small lambda, which would cancel catastrophically.
     */
    static double[] dampedStep(double[] jacobian, double[] r, double[] v, boolean[] free, double lambda) {
        int m = r.length;
        int n = free.length;
        int nf = 0;
        for (boolean f : free) {
            nf += f ? 1 : 0;
        }
        double[] h = new double[n];
        if (nf == 0) {
            return h;
        }
        int[] index = new int[nf];
        for (int k = 0, j = 0; k < n; k++) {
            if (free[k]) {
                index[j++] = k;
            }
        }
        DMatrixRMaj jf = new DMatrixRMaj(m, nf);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < nf; j++) {
                jf.unsafe_set(i, j, jacobian[i * n + index[j]]);
            }
        }
        DMatrixRMaj rv = new DMatrixRMaj(m, 1, true, r);
        DMatrixRMaj vf = new DMatrixRMaj(nf, 1);
        boolean regularised = false;
        for (int j = 0; j < nf; j++) {
            vf.unsafe_set(j, 0, v[index[j]]);
            regularised |= v[index[j]] != 0;
        }
        DMatrixRMaj hf = new DMatrixRMaj(nf, 1);
        if (m < nf) {
            DMatrixRMaj a = new DMatrixRMaj(m, m);
            CommonOps_DDRM.multTransB(jf, jf, a);
            addToDiagonal(a, lambda);
            DMatrixRMaj rhs = rv.copy();
            if (regularised) {
                // (J J^T + lambda I)^-1 (r - J v / lambda), then h = -J^T y - v / lambda
                DMatrixRMaj jv = new DMatrixRMaj(m, 1);
                CommonOps_DDRM.mult(jf, vf, jv);
                CommonOps_DDRM.addEquals(rhs, -1 / lambda, jv);
            }
            DMatrixRMaj y = solveSymmetric(a, rhs);
            CommonOps_DDRM.multTransA(jf, y, hf);
            for (int j = 0; j < nf; j++) {
                hf.unsafe_set(j, 0, -hf.unsafe_get(j, 0) - vf.unsafe_get(j, 0) / lambda);
            }
        } else {
            DMatrixRMaj b = new DMatrixRMaj(nf, nf);
            CommonOps_DDRM.multTransA(jf, jf, b);
            addToDiagonal(b, lambda);
            DMatrixRMaj g = new DMatrixRMaj(nf, 1);
            CommonOps_DDRM.multTransA(jf, rv, g);
            CommonOps_DDRM.addEquals(g, vf);
            DMatrixRMaj sol = solveSymmetric(b, g);
            for (int j = 0; j < nf; j++) {
                hf.unsafe_set(j, 0, -sol.unsafe_get(j, 0));
            }
        }
        for (int j = 0; j < nf; j++) {
            h[index[j]] = hf.unsafe_get(j, 0);
        }
        return h;
    }

    private static void addToDiagonal(DMatrixRMaj a, double value) {
        for (int i = 0; i < a.numRows; i++) {
            a.unsafe_set(i, i, a.unsafe_get(i, i) + value);
        }
    }

    /** Cholesky for the positive definite damped system; LU when rounding makes it fail. */
    private static DMatrixRMaj solveSymmetric(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj x = new DMatrixRMaj(a.numRows, 1);
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(a.numRows);
        if (chol.setA(a.copy())) {
            chol.solve(b, x);
            return x;
        }
        if (!CommonOps_DDRM.solve(a, b, x)) {
            Arrays.fill(x.data, Double.NaN);
        }
        return x;
    }

    static int positive(int value, String what) {
        if (value < 1) {
            throw JacobiException.usage("The " + what + " must be at least 1, not " + value + ".");
        }
        return value;
    }

    static double nonNegative(double value, String what) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw JacobiException.usage("The " + what + " must be a finite number >= 0, not " + value + ".");
        }
        return value;
    }
}
