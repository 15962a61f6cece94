package org.jacobi.optim;

import java.util.Random;
import java.util.function.Function;
import org.jacobi.core.ProgressMonitor;

/** Pure-Java functions with exact Jacobians, for optimizer tests with known answers. */
final class TestFunctions {
    private TestFunctions() {
    }

    /** A function given by its value and its Jacobian; J^T v is formed from the Jacobian. */
    static DifferentiableFunction of(int n, int m, Function<double[], double[]> value, Function<double[], double[]> jacobian) {
        return new DifferentiableFunction() {
            @Override
            public int inputSize() {
                return n;
            }

            @Override
            public int outputSize() {
                return m;
            }

            @Override
            public double[] value(double[] x, ProgressMonitor monitor) {
                return value.apply(x);
            }

            @Override
            public Linearization linearize(double[] x, ProgressMonitor monitor) {
                return new Linearization(value.apply(x), jacobian.apply(x));
            }

            @Override
            public double[] vectorJacobianProduct(double[] x, double[] v, ProgressMonitor monitor) {
                double[] j = jacobian.apply(x);
                double[] out = new double[n];
                for (int i = 0; i < m; i++) {
                    for (int k = 0; k < n; k++) {
                        out[k] += j[i * n + k] * v[i];
                    }
                }
                return out;
            }
        };
    }

    /** f(x) = A x + b, A row-major m x n. */
    static DifferentiableFunction linear(double[] a, double[] b, int m, int n) {
        return of(n, m, x -> {
            double[] y = b.clone();
            for (int i = 0; i < m; i++) {
                for (int k = 0; k < n; k++) {
                    y[i] += a[i * n + k] * x[k];
                }
            }
            return y;
        }, x -> a.clone());
    }

    /** Rosenbrock's residuals [10 (x2 - x1^2), 1 - x1]: zero only at (1, 1). */
    static DifferentiableFunction rosenbrock() {
        return of(2, 2, x -> new double[] {10 * (x[1] - x[0] * x[0]), 1 - x[0]},
            x -> new double[] {-20 * x[0], 10, -1, 0});
    }

    static double[] random(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    static double[] apply(DifferentiableFunction f, double[] x) {
        return f.value(x, ProgressMonitor.NONE);
    }
}
