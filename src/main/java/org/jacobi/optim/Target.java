package org.jacobi.optim;

import java.util.Arrays;
import org.jacobi.core.JacobiException;

/**
 * What the output should become, as a residual vector {@code r(y)} whose half squared norm is the target part of
 * the cost. Either given values ({@code r = y - t}) or a class of a classifier, whose margin over every other
 * class should reach {@code margin} ({@code r_j = max(0, y_j - y_c + margin)} for {@code j != c}: zero once class
 * c leads every other by the margin, so the optimizers push the class's margin up until it does).
 */
public sealed interface Target permits Target.Values, Target.ClassMargin {
    /** The residual for output y (length m). */
    double[] residual(double[] y);

    /** The Jacobian of the residual, {@code dr/dx = (dr/dy) J}, row-major, for an m x n Jacobian J of y. */
    double[] residualJacobian(double[] y, double[] jacobian, int n);

    /** The cotangent c with {@code (dr/dx)^T r = J^T c}, so a gradient needs one vector-Jacobian product. */
    double[] outputCotangent(double[] y, double[] r);

    /** Number of residuals for m outputs. */
    int residualCount(int m);

    /** Checks that the target fits an output of m elements; a one-line error otherwise. */
    void checkFits(int m);

    /** A short description for logs, e.g. "values [0.1, 0.2, ...]" or "class 3 (margin 1)". */
    String describe();

    static Values values(double[] t) {
        return new Values(t.clone());
    }

    static ClassMargin classMargin(int targetClass, double margin) {
        return new ClassMargin(targetClass, margin);
    }

    /** The output should equal {@code t}. */
    record Values(double[] t) implements Target {
        @Override
        public double[] residual(double[] y) {
            double[] r = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                r[i] = y[i] - t[i];
            }
            return r;
        }

        @Override
        public double[] residualJacobian(double[] y, double[] jacobian, int n) {
            return jacobian;
        }

        @Override
        public double[] outputCotangent(double[] y, double[] r) {
            return r;
        }

        @Override
        public int residualCount(int m) {
            return m;
        }

        @Override
        public void checkFits(int m) {
            if (t.length != m) {
                throw JacobiException.usage("The target has " + t.length + " values but one sample of the output has "
                    + m + ". Give one value per output element.");
            }
            for (double v : t) {
                if (!Double.isFinite(v)) {
                    throw JacobiException.usage("The target contains " + v + ". Give finite target values.");
                }
            }
        }

        @Override
        public String describe() {
            String s = Arrays.toString(Arrays.copyOf(t, Math.min(t.length, 6)));
            return "values " + (t.length > 6 ? s.substring(0, s.length() - 1) + ", ...]" : s);
        }
    }

    /** Class {@code targetClass} should lead every other output by at least {@code margin}. */
    record ClassMargin(int targetClass, double margin) implements Target {
        @Override
        public double[] residual(double[] y) {
            double[] r = new double[y.length];
            for (int j = 0; j < y.length; j++) {
                if (j != targetClass) {
                    r[j] = Math.max(0, y[j] - y[targetClass] + margin);
                }
            }
            return r;
        }

        @Override
        public double[] residualJacobian(double[] y, double[] jacobian, int n) {
            int m = y.length;
            double[] jr = new double[m * n];
            for (int j = 0; j < m; j++) {
                if (j != targetClass && y[j] - y[targetClass] + margin > 0) {
                    for (int k = 0; k < n; k++) {
                        jr[j * n + k] = jacobian[j * n + k] - jacobian[targetClass * n + k];
                    }
                }
            }
            return jr;
        }

        @Override
        public double[] outputCotangent(double[] y, double[] r) {
            double[] c = r.clone();
            double sum = 0;
            for (int j = 0; j < r.length; j++) {
                if (j != targetClass) {
                    sum += r[j];
                }
            }
            c[targetClass] = -sum;
            return c;
        }

        @Override
        public int residualCount(int m) {
            return m;
        }

        @Override
        public void checkFits(int m) {
            if (m < 2) {
                throw JacobiException.usage("A target class needs an output with at least 2 classes; this one has " + m + " value.");
            }
            if (targetClass < 0 || targetClass >= m) {
                throw JacobiException.usage("Target class " + targetClass + " does not exist: the output has classes 0 to "
                    + (m - 1) + ".");
            }
            if (!(margin >= 0) || Double.isInfinite(margin)) {
                throw JacobiException.usage("The class margin must be a finite number >= 0, not " + margin + ".");
            }
        }

        @Override
        public String describe() {
            return "class " + targetClass + " (margin " + margin + ")";
        }
    }
}
