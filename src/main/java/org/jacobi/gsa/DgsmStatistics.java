package org.jacobi.gsa;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums for the derivative-based measures {@code nu_j = E[(dy/dx_j)^2]} from exact Jacobians, their 95 % intervals
 * ({@code 1.96 sqrt(Var[(dy/dx_j)^2] / N)}, from the sums of fourth powers), the output variance D from the same
 * rows, and the Sobol'-Kucherenko bound {@code S_T,j <= C_j nu_j / D} with C_j the Poincaré constant of element j's
 * distribution ((b-a)^2/pi^2 for uniform, sigma^2 for normal; NaN where none is known).
 */
final class DgsmStatistics implements StudyStatistics {
    private static final long serialVersionUID = 1L;
    private static final double Z95 = 1.959963984540054;

    private final StudyPlan plan;
    private final int d;
    private final int outputs;
    private final long[] checkpoints;
    /** Per segment: count, then per output (sum y, sum y^2), then per (output, input) (sum J^2, sum J^4). */
    private final SegmentSums sums;

    DgsmStatistics(StudyPlan plan) {
        this.plan = plan;
        this.d = plan.variedCount();
        this.outputs = plan.outputs();
        this.checkpoints = plan.checkpoints(GsaMethod.DGSM);
        this.sums = new SegmentSums(checkpoints, 1 + 2 * outputs + 2 * outputs * d);
    }

    @Override
    public GsaMethod method() {
        return GsaMethod.DGSM;
    }

    @Override
    public void add(long firstBase, int count, double[] values, double[] jacobians) {
        int jOffset = 1 + 2 * outputs;
        for (int r = 0; r < count; r++) {
            double[] seg = sums.row(firstBase + r);
            seg[0] += 1;
            for (int o = 0; o < outputs; o++) {
                double y = values[r * outputs + o] - plan.shift(o);
                seg[1 + 2 * o] += y;
                seg[2 + 2 * o] += y * y;
                int jRow = (r * outputs + o) * d;
                for (int j = 0; j < d; j++) {
                    double g = jacobians[jRow + j];
                    double g2 = g * g;
                    int at = jOffset + 2 * (o * d + j);
                    seg[at] += g2;
                    seg[at + 1] += g2 * g2;
                }
            }
        }
    }

    @Override
    public void combine(StudyStatistics other) {
        sums.combine(((DgsmStatistics) other).sums);
    }

    @Override
    public IndexSet finish(int checkpoint) {
        double[] t = sums.upTo(checkpoint);
        double n = t[0];
        double[][] nu = new double[outputs][d];
        double[][] nuConf = new double[outputs][d];
        double[][] bound = new double[outputs][d];
        double[][] variance = new double[outputs][1];
        int jOffset = 1 + 2 * outputs;
        for (int o = 0; o < outputs; o++) {
            double mean = t[1 + 2 * o] / n;
            double second = t[2 + 2 * o] / n;
            double v = second - mean * mean;
            boolean flat = !(v > 1e-300) || v <= 1e-24 * second;
            variance[o][0] = flat ? 0 : v * n / Math.max(1, n - 1);
            for (int j = 0; j < d; j++) {
                int at = jOffset + 2 * (o * d + j);
                double m2 = t[at] / n;
                double m4 = t[at + 1] / n;
                nu[o][j] = m2;
                nuConf[o][j] = n > 1 ? Z95 * Math.sqrt(Math.max(0, m4 - m2 * m2) / (n - 1)) : Double.NaN;
                double c = plan.distribution(plan.variedElement(j)).poincareConstant();
                bound[o][j] = flat ? Double.NaN : c * m2 / variance[o][0];
            }
        }
        Map<String, double[][]> arrays = new LinkedHashMap<>();
        arrays.put("nu", nu);
        arrays.put("nu_conf", nuConf);
        arrays.put("sobol_total_bound", bound);
        arrays.put("variance", variance);
        return new IndexSet(GsaMethod.DGSM, checkpoints[checkpoint], arrays);
    }
}
