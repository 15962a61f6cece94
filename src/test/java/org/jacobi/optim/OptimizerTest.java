package org.jacobi.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.ejml.simple.SimpleMatrix;
import org.jacobi.core.ProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerTest {
    static Stream<Optimizer> optimizers() {
        // Tighter than PyTorch's absolute tolerance_change 1e-9, so the known answers can be checked to 1e-6.
        return Stream.of(new LevenbergMarquardtOptimizer(), new LbfgsOptimizer().withToleranceChange(1e-16));
    }

    private static OptimizationResult run(Optimizer o, OptimizationProblem p) {
        return o.optimize(p, IterationListener.NONE, ProgressMonitor.NONE);
    }

    @Test
    void gaussNewtonSolvesALinearModelInOneStepWhenUndamped() {
        Random rnd = new Random(1);
        for (int[] mn : new int[][] {{3, 5}, {5, 3}}) {
            int m = mn[0];
            int n = mn[1];
            DifferentiableFunction f = TestFunctions.linear(TestFunctions.random(rnd, m * n), TestFunctions.random(rnd, m), m, n);
            double[] target = TestFunctions.apply(f, TestFunctions.random(rnd, n));
            OptimizationProblem p = OptimizationProblem.of(f, Target.values(target), TestFunctions.random(rnd, n));
            OptimizationResult r = run(new LevenbergMarquardtOptimizer().withInitialDampingFactor(1e-14), p);
            IterationRecord first = r.records().get(1);
            assertTrue(first.accepted());
            assertTrue(first.cost() <= 1e-20 * r.initialCost(), "one step: " + first);
            assertEquals(1.0, first.gainRatio(), 1e-6, "a linear model is its own Gauss-Newton model");
            assertTrue(r.targetReached());
        }
    }

    @Test
    void dampedGaussNewtonOnALinearModelHasGainRatioOneAndConverges() {
        Random rnd = new Random(2);
        DifferentiableFunction f = TestFunctions.linear(TestFunctions.random(rnd, 12), TestFunctions.random(rnd, 3), 3, 4);
        double[] target = TestFunctions.apply(f, TestFunctions.random(rnd, 4));
        OptimizationResult r = run(new LevenbergMarquardtOptimizer(), OptimizationProblem.of(f, Target.values(target), new double[4]));
        for (IterationRecord rec : r.records().subList(1, r.records().size())) {
            if (rec.accepted()) {
                assertEquals(1.0, rec.gainRatio(), 1e-6);
            }
        }
        assertTrue(r.finalCost() <= 1e-20 * r.initialCost(), r.summary());
        assertTrue(r.stopReason().converged(), r.summary());
    }

    @Test
    void woodburyStepEqualsTheDirectSolve() {
        Random rnd = new Random(3);
        int m = 3;
        int n = 7;
        double[] j = TestFunctions.random(rnd, m * n);
        double[] r = TestFunctions.random(rnd, m);
        double[] v = TestFunctions.random(rnd, n);
        boolean[] free = {true, true, false, true, true, true, false};
        int[] idx = {0, 1, 3, 4, 5};
        for (double lambda : new double[] {0.37, 1e-9}) {
            for (boolean withV : new boolean[] {false, true}) {
                double[] vv = withV ? v : new double[n];
                double[] h = LevenbergMarquardtOptimizer.dampedStep(j, r, vv, free, lambda);
                // Direct n x n solve over the five free elements (itself ill-conditioned for the tiny lambda).
                SimpleMatrix jf = new SimpleMatrix(m, idx.length);
                SimpleMatrix vf = new SimpleMatrix(idx.length, 1);
                for (int c = 0; c < idx.length; c++) {
                    for (int i = 0; i < m; i++) {
                        jf.set(i, c, j[i * n + idx[c]]);
                    }
                    vf.set(c, 0, vv[idx[c]]);
                }
                SimpleMatrix g = jf.transpose().mult(new SimpleMatrix(m, 1, true, r)).plus(vf);
                SimpleMatrix direct = jf.transpose().mult(jf).plus(SimpleMatrix.identity(idx.length).scale(lambda)).solve(g).negative();
                for (int c = 0; c < idx.length; c++) {
                    assertEquals(direct.get(c, 0), h[idx[c]], (lambda < 1e-3 ? 1e-5 : 1e-9) * Math.max(1, Math.abs(direct.get(c, 0))), "lambda " + lambda);
                }
                assertEquals(0.0, h[2]);
                assertEquals(0.0, h[6]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void rosenbrockResidualsReachTheMinimum(Optimizer o) {
        OptimizationProblem p = OptimizationProblem.of(TestFunctions.rosenbrock(), Target.values(new double[2]), new double[] {-1.2, 1});
        OptimizationResult r = run(o, p);
        assertArrayEquals(new double[] {1, 1}, r.x(), 1e-6, r.summary());
        assertTrue(r.targetReached());
        assertTrue(r.iterations() <= 100);
        assertEquals(0, r.records().get(0).iteration());
        assertEquals(r.initialCost(), r.records().get(0).cost());
        assertEquals(0.5 * (4.4 * 4.4 + 2.2 * 2.2), r.initialCost(), 1e-9);
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void unreachableTargetStopsWithAClearReason(Optimizer o) {
        // Four outputs from two inputs: a generic target is outside the range of f.
        Random rnd = new Random(4);
        DifferentiableFunction f = TestFunctions.linear(TestFunctions.random(rnd, 8), new double[4], 4, 2);
        OptimizationResult r = run(o, OptimizationProblem.of(f, Target.values(new double[] {5, -3, 2, 7}), new double[2]));
        assertTrue(r.stopReason().converged(), r.summary());
        assertFalse(r.targetReached());
        assertTrue(r.summary().contains("not reached"), r.summary());
        assertTrue(r.finalCost() > 1);
        // It still found the least-squares point: the gradient A^T (A x - t) vanishes there.
        double[] y = TestFunctions.apply(f, r.x());
        double[] res = new double[4];
        double[] t = {5, -3, 2, 7};
        for (int i = 0; i < 4; i++) {
            res[i] = y[i] - t[i];
        }
        double[] g = f.vectorJacobianProduct(r.x(), res, ProgressMonitor.NONE);
        assertTrue(Evaluator.maxAbs(g) < 1e-6, "gradient " + Evaluator.maxAbs(g));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void boxBoundsHoldAtEveryIterate(Optimizer o) {
        // The unconstrained minimum (1, 1) lies outside the box; the constrained one is x1 = 0.5, x2 = 0.25.
        OptimizationProblem p = OptimizationProblem.of(TestFunctions.rosenbrock(), Target.values(new double[2]), new double[] {-1.2, 1})
            .withBounds(new double[] {-2, -2}, new double[] {0.5, 2});
        List<double[]> iterates = new ArrayList<>();
        OptimizationResult r = o.optimize(p, (rec, x) -> iterates.add(x), ProgressMonitor.NONE);
        for (double[] x : iterates) {
            assertTrue(x[0] >= -2 && x[0] <= 0.5 && x[1] >= -2 && x[1] <= 2, Arrays.toString(x));
        }
        assertArrayEquals(new double[] {0.5, 0.25}, r.x(), 1e-5, r.summary());
        assertTrue(r.stopReason().converged(), r.summary());
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void startOutsideTheBoxIsClippedIntoIt(Optimizer o) {
        OptimizationProblem p = OptimizationProblem.of(TestFunctions.rosenbrock(), Target.values(new double[2]), new double[] {3, 3})
            .withBounds(0, 2);
        OptimizationResult r = run(o, p);
        assertArrayEquals(new double[] {1, 1}, r.x(), 1e-5, r.summary());
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void maskedElementsNeverMove(Optimizer o) {
        Random rnd = new Random(5);
        DifferentiableFunction f = TestFunctions.linear(TestFunctions.random(rnd, 12), TestFunctions.random(rnd, 2), 2, 6);
        double[] target = TestFunctions.apply(f, TestFunctions.random(rnd, 6));
        double[] start = TestFunctions.random(rnd, 6);
        boolean[] fixed = {true, false, false, true, false, false};
        OptimizationProblem p = OptimizationProblem.of(f, Target.values(target), start).withFixed(fixed);
        List<double[]> iterates = new ArrayList<>();
        OptimizationResult r = o.optimize(p, (rec, x) -> iterates.add(x), ProgressMonitor.NONE);
        for (double[] x : iterates) {
            assertEquals(start[0], x[0]);
            assertEquals(start[3], x[3]);
        }
        assertTrue(r.targetReached(), r.summary());
        assertFalse(start[1] == r.x()[1]);
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void regularisationPullsTowardsTheStart(Optimizer o) {
        // f(x) = x (1 x 1), target 2, start 0, alpha 1: minimum of 0.5 (x-2)^2 + 0.5 x^2 is x = 1.
        DifferentiableFunction f = TestFunctions.linear(new double[] {1}, new double[] {0}, 1, 1);
        OptimizationResult r = run(o, OptimizationProblem.of(f, Target.values(new double[] {2}), new double[] {0}).withAlpha(1));
        assertEquals(1.0, r.x()[0], 1e-7, r.summary());
        assertEquals(1.0, r.finalCost(), 1e-12);
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void cancelStopsWithTheBestPointSoFar(Optimizer o) {
        AtomicBoolean cancel = new AtomicBoolean();
        ProgressMonitor monitor = new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
            }

            @Override
            public boolean isCancelled() {
                return cancel.get();
            }
        };
        OptimizationProblem p = OptimizationProblem.of(TestFunctions.rosenbrock(), Target.values(new double[2]), new double[] {-1.2, 1});
        OptimizationResult r = o.optimize(p, (rec, x) -> {
            if (rec.iteration() == 2) {
                cancel.set(true);
            }
        }, monitor);
        assertEquals(StopReason.CANCELLED, r.stopReason());
        assertEquals(2, r.iterations());
        assertTrue(r.finalCost() < r.initialCost());
        assertTrue(Evaluator.allFinite(r.x()));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void targetClassGetsItsMargin(Optimizer o) {
        Random rnd = new Random(6);
        DifferentiableFunction f = TestFunctions.linear(TestFunctions.random(rnd, 20), TestFunctions.random(rnd, 4), 4, 5);
        double[] start = TestFunctions.random(rnd, 5);
        double[] y0 = TestFunctions.apply(f, start);
        int weakest = 0;
        for (int i = 1; i < 4; i++) {
            if (y0[i] < y0[weakest]) {
                weakest = i;
            }
        }
        OptimizationResult r = run(o, OptimizationProblem.of(f, Target.classMargin(weakest, 2.0), start));
        double[] y = TestFunctions.apply(f, r.x());
        for (int i = 0; i < 4; i++) {
            if (i != weakest) {
                assertTrue(y[weakest] - y[i] >= 2.0 - 1e-6, "margin over class " + i + ": " + (y[weakest] - y[i]));
            }
        }
        assertTrue(r.targetReached(), r.summary());
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void nonFiniteValuesStopTheRun(Optimizer o) {
        DifferentiableFunction f = TestFunctions.of(1, 1, x -> new double[] {Math.log(x[0])}, x -> new double[] {1 / x[0]});
        OptimizationResult r = run(o, OptimizationProblem.of(f, Target.values(new double[] {1}), new double[] {-1}));
        assertEquals(StopReason.NON_FINITE, r.stopReason());
        assertEquals(1, r.records().size());
    }

    @Test
    void lbfgsLineSearchBacksOffFromNonFiniteValues() {
        // log is NaN for x < 0, and the first step from x = 5 with learning rate 50 lands at x = -45.
        DifferentiableFunction f = TestFunctions.of(1, 1, x -> new double[] {Math.log(x[0])}, x -> new double[] {1 / x[0]});
        List<IterationRecord> records = new ArrayList<>();
        OptimizationResult r = new LbfgsOptimizer().withLearningRate(50).optimize(
            OptimizationProblem.of(f, Target.values(new double[] {0}), new double[] {5}), (rec, x) -> records.add(rec), ProgressMonitor.NONE);
        assertEquals(1.0, r.x()[0], 1e-5, r.summary());
        assertTrue(records.get(1).lineSearchEvaluations() > 1);
    }

    @Test
    void configsAreImmutable() {
        LbfgsOptimizer base = new LbfgsOptimizer();
        LbfgsOptimizer changed = base.withHistorySize(5).withWolfe(1e-3, 0.5).withToleranceGrad(1e-3);
        assertEquals(100, base.historySize());
        assertEquals(0.9, base.c2());
        assertEquals(1e-7, base.toleranceGrad());
        assertEquals(1e-9, base.toleranceChange());
        assertEquals(125, base.maxEvaluations());
        assertEquals(5, changed.historySize());
        assertEquals(0.5, changed.c2());
        LevenbergMarquardtOptimizer lm = new LevenbergMarquardtOptimizer();
        assertEquals(7, lm.withMaxIterations(7).maxIterations());
        assertEquals(100, lm.maxIterations());
        assertEquals(1e-3, lm.initialDampingFactor());
    }
}
