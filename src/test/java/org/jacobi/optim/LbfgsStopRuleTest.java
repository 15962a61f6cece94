package org.jacobi.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.jacobi.core.ProgressMonitor;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS's cost test is relative (SciPy's ftol), and "no input near this one gives that output" is said only where
 * the gradient test finds a minimum, not whenever a tolerance stopped the run.
 */
class LbfgsStopRuleTest {
    private static OptimizationResult run(Optimizer o, OptimizationProblem p) {
        return o.optimize(p, IterationListener.NONE, ProgressMonitor.NONE);
    }

    /** y = tanh(A x), three inputs, three outputs. */
    private static DifferentiableFunction tanhLayer(double[] a) {
        return TestFunctions.of(3, 3, x -> {
            double[] y = new double[3];
            for (int i = 0; i < 3; i++) {
                y[i] = Math.tanh(a[3 * i] * x[0] + a[3 * i + 1] * x[1] + a[3 * i + 2] * x[2]);
            }
            return y;
        }, x -> {
            double[] j = new double[9];
            for (int i = 0; i < 3; i++) {
                double t = Math.tanh(a[3 * i] * x[0] + a[3 * i + 1] * x[1] + a[3 * i + 2] * x[2]);
                for (int k = 0; k < 3; k++) {
                    j[3 * i + k] = (1 - t * t) * a[3 * i + k];
                }
            }
            return j;
        });
    }

    @Test
    void theCostTestIsRelativeToTheCost() {
        // Rosenbrock's residuals plus a constant 1e4 that no input changes: the cost stays near 5e7.
        DifferentiableFunction f = TestFunctions.of(2, 3, x -> new double[] {10 * (x[1] - x[0] * x[0]), 1 - x[0], 1e4},
            x -> new double[] {-20 * x[0], 10, -1, 0, 0, 0});
        OptimizationResult r = run(new LbfgsOptimizer(), OptimizationProblem.of(f, Target.values(new double[3]), new double[] {-1.2, 1}));
        assertEquals(StopReason.COST_TOLERANCE, r.stopReason(), r.summary());
        List<IterationRecord> rec = r.records();
        IterationRecord last = rec.get(rec.size() - 1);
        assertTrue(last.costChange() > 1e-9, "PyTorch's absolute test (change < 1e-9) would have gone on: " + last);
        assertTrue(last.costChange() / (last.cost() + last.costChange()) <= 1e-9, "SciPy's test: (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= ftol");
        assertFalse(r.stationary(), "stopped in Rosenbrock's valley, not at a minimum");
        assertFalse(r.summary().contains("no input near"), r.summary());
    }

    @Test
    void aReachableTargetWithASmallCostIsNotCalledUnreachable() {
        // The reproduction: a target close to the start (a small cost) that Gauss-Newton reaches to 1e-16.
        double[] a = {1.0, 0.2, -0.3, 0.1, 0.8, 0.4, -0.5, 0.3, 1.2};
        DifferentiableFunction f = tanhLayer(a);
        double[] target = TestFunctions.apply(f, new double[] {0.3002, -0.1001, 0.2003});
        OptimizationProblem p = OptimizationProblem.of(f, Target.values(target), new double[] {0.3, -0.1, 0.2});
        OptimizationResult gn = run(new LevenbergMarquardtOptimizer(), p);
        assertTrue(gn.targetReached() && gn.finalCost() < 1e-20, gn.summary());
        OptimizationResult lbfgs = run(new LbfgsOptimizer(), p);
        assertFalse(lbfgs.targetReached(), "this start stops L-BFGS's cost test early: " + lbfgs.summary());
        assertFalse(lbfgs.stationary(), lbfgs.summary());
        assertFalse(lbfgs.summary().contains("no input near"), lbfgs.summary());
        assertTrue(lbfgs.summary().contains("may well be reachable"), lbfgs.summary());
    }

    @Test
    void anUnreachableTargetIsCalledSoWhenTheGradientVanishes() {
        Random rnd = new Random(4);
        DifferentiableFunction f = TestFunctions.linear(TestFunctions.random(rnd, 8), new double[4], 4, 2);
        for (Optimizer o : List.of(new LbfgsOptimizer(), new LevenbergMarquardtOptimizer())) {
            OptimizationResult r = run(o, OptimizationProblem.of(f, Target.values(new double[] {5, -3, 2, 7}), new double[2]));
            assertFalse(r.targetReached());
            assertTrue(r.stationary(), r.summary());
            assertTrue(r.summary().contains("no input near this one"), r.summary());
        }
    }
}
