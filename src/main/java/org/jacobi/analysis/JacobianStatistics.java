package org.jacobi.analysis;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.jacobi.core.JacobiException;

/**
 * Float64 sufficient statistics of per-sample Jacobians {@code [n_out, n_in]}: for every (output, input) the sums of
 * J, |J| and J^2 (whose mean is the DGSM nu), and for every singular value index k (largest first) the sum, sum of
 * squares, minimum and maximum over samples. {@link #merge} is associative and commutative up to float64
 * rounding, so partial statistics from any partitioning combine to the same result (Spark's treeReduce).
 */
public final class JacobianStatistics implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Singular values are skipped for Jacobians with more entries than this (an SVD per sample would dominate). */
    public static final int MAX_SVD_ENTRIES = 1 << 14;

    private final int outputs;
    private final int inputs;
    private final boolean withSingularValues;
    private long count;
    private final double[] sum;
    private final double[] sumAbs;
    private final double[] sumSquares;
    private final double[] svSum;
    private final double[] svSumSquares;
    private final double[] svMin;
    private final double[] svMax;
    private transient SingularValueDecomposition_F64<DMatrixRMaj> svd;
    private transient DMatrixRMaj matrix;

    public JacobianStatistics(int outputs, int inputs) {
        this.outputs = outputs;
        this.inputs = inputs;
        int n = Math.multiplyExact(outputs, inputs);
        this.withSingularValues = n <= MAX_SVD_ENTRIES;
        int k = withSingularValues ? Math.min(outputs, inputs) : 0;
        sum = new double[n];
        sumAbs = new double[n];
        sumSquares = new double[n];
        svSum = new double[k];
        svSumSquares = new double[k];
        svMin = new double[k];
        svMax = new double[k];
        Arrays.fill(svMin, Double.POSITIVE_INFINITY);
        Arrays.fill(svMax, Double.NEGATIVE_INFINITY);
    }

    public int outputs() {
        return outputs;
    }

    public int inputs() {
        return inputs;
    }

    public long count() {
        return count;
    }

    public boolean hasSingularValues() {
        return withSingularValues;
    }

    /** Adds {@code samples} Jacobians laid out {@code [samples, n_out, n_in]} from {@code jacobians[offset]}. */
    public void add(float[] jacobians, int offset, int samples) {
        int n = outputs * inputs;
        double[] one = withSingularValues ? new double[n] : null;
        for (int s = 0; s < samples; s++) {
            int base = offset + s * n;
            for (int i = 0; i < n; i++) {
                double v = jacobians[base + i];
                sum[i] += v;
                sumAbs[i] += Math.abs(v);
                sumSquares[i] += v * v;
                if (one != null) {
                    one[i] = v;
                }
            }
            if (one != null) {
                addSingularValues(one);
            }
        }
        count += samples;
    }

    private void addSingularValues(double[] rowMajor) {
        if (svd == null) {
            svd = DecompositionFactory_DDRM.svd(outputs, inputs, false, false, true);
            matrix = new DMatrixRMaj(outputs, inputs);
        }
        matrix.setData(rowMajor);
        if (!svd.decompose(matrix)) {
            throw new JacobiException("The singular value decomposition of a Jacobian did not converge.");
        }
        int k = svSum.length;
        double[] s = Arrays.copyOf(svd.getSingularValues(), k);
        Arrays.sort(s);
        for (int i = 0; i < k; i++) {
            double v = s[k - 1 - i];
            svSum[i] += v;
            svSumSquares[i] += v * v;
            svMin[i] = Math.min(svMin[i], v);
            svMax[i] = Math.max(svMax[i], v);
        }
    }

    /** Adds {@code other} into this and returns this. */
    public JacobianStatistics merge(JacobianStatistics other) {
        if (other.outputs != outputs || other.inputs != inputs) {
            throw new IllegalArgumentException("statistics of " + other.outputs + "x" + other.inputs + " Jacobians cannot join "
                + outputs + "x" + inputs);
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.sum[i];
            sumAbs[i] += other.sumAbs[i];
            sumSquares[i] += other.sumSquares[i];
        }
        for (int i = 0; i < svSum.length; i++) {
            svSum[i] += other.svSum[i];
            svSumSquares[i] += other.svSumSquares[i];
            svMin[i] = Math.min(svMin[i], other.svMin[i]);
            svMax[i] = Math.max(svMax[i], other.svMax[i]);
        }
        count += other.count;
        return this;
    }

    /** Mean of J, {@code [n_out * n_in]} row-major. */
    public double[] mean() {
        return divide(sum);
    }

    /** Mean of |J|. */
    public double[] meanAbs() {
        return divide(sumAbs);
    }

    /** Mean of J^2: the DGSM nu of every (output, input). */
    public double[] meanSquare() {
        return divide(sumSquares);
    }

    /**
     * The spread of the singular values, {@code [4][k]}: rows mean, standard deviation (population), minimum, maximum
     * of the k-th largest singular value over samples; null when skipped.
     */
    public double[][] singularValueSpread() {
        if (!withSingularValues || count == 0) {
            return null;
        }
        int k = svSum.length;
        double[] mean = divide(svSum);
        double[] std = new double[k];
        for (int i = 0; i < k; i++) {
            std[i] = Math.sqrt(Math.max(0, svSumSquares[i] / count - mean[i] * mean[i]));
        }
        return new double[][] {mean, std, svMin.clone(), svMax.clone()};
    }

    private double[] divide(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = count == 0 ? Double.NaN : values[i] / count;
        }
        return out;
    }

    /** A JSON-ready summary: counts and every statistic as [output][input] (singular values as [k]). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", count);
        m.put("outputs_per_sample", outputs);
        m.put("inputs_per_sample", inputs);
        m.put("mean", rows(mean()));
        m.put("mean_abs", rows(meanAbs()));
        m.put("mean_square", rows(meanSquare()));
        double[][] sv = singularValueSpread();
        if (sv != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("mean", sv[0]);
            s.put("std", sv[1]);
            s.put("min", sv[2]);
            s.put("max", sv[3]);
            m.put("singular_values", s);
        }
        return m;
    }

    private List<double[]> rows(double[] flat) {
        List<double[]> out = new ArrayList<>();
        for (int o = 0; o < outputs; o++) {
            out.add(Arrays.copyOfRange(flat, o * inputs, (o + 1) * inputs));
        }
        return out;
    }
}
