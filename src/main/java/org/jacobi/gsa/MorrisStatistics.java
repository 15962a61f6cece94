package org.jacobi.gsa;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums of Morris's elementary effects {@code EE_j = (f(x + Delta e_j) - f(x)) / Delta}, Delta = 2/3 measured in the
 * unit cube (quantile space, as SALib does), over the trajectories: mu* (mean of |EE|, Campolongo et al. 2007), mu and
 * sigma (their standard deviation, a sign of nonlinearity or interaction).
 */
final class MorrisStatistics implements StudyStatistics {
    private static final long serialVersionUID = 1L;

    private final StudyPlan plan;
    private final int d;
    private final int outputs;
    private final long[] checkpoints;
    /** Per segment: count, then per (output, input) (sum |EE|, sum EE, sum EE^2). */
    private final SegmentSums sums;

    MorrisStatistics(StudyPlan plan) {
        this.plan = plan;
        this.d = plan.variedCount();
        this.outputs = plan.outputs();
        this.checkpoints = plan.checkpoints(GsaMethod.MORRIS);
        this.sums = new SegmentSums(checkpoints, 1 + 3 * outputs * d);
    }

    @Override
    public GsaMethod method() {
        return GsaMethod.MORRIS;
    }

    @Override
    public void add(long firstBase, int count, double[] values, double[] jacobians) {
        int per = d + 1;
        for (int r = 0; r < count; r++) {
            long index = firstBase + r;
            double[] seg = sums.row(index);
            seg[0] += 1;
            StudyPlan.MorrisTrajectory t = plan.morrisTrajectory(index);
            int rowBase = r * per * outputs;
            for (int s = 0; s < d; s++) {
                int j = t.order()[s];
                double delta = t.up()[s] ? StudyPlan.MORRIS_DELTA : -StudyPlan.MORRIS_DELTA;
                for (int o = 0; o < outputs; o++) {
                    double before = values[rowBase + s * outputs + o];
                    double after = values[rowBase + (s + 1) * outputs + o];
                    double ee = (after - before) / delta;
                    int at = 1 + 3 * (o * d + j);
                    seg[at] += Math.abs(ee);
                    seg[at + 1] += ee;
                    seg[at + 2] += ee * ee;
                }
            }
        }
    }

    @Override
    public void combine(StudyStatistics other) {
        sums.combine(((MorrisStatistics) other).sums);
    }

    @Override
    public IndexSet finish(int checkpoint) {
        double[] t = sums.upTo(checkpoint);
        double r = t[0];
        double[][] muStar = new double[outputs][d];
        double[][] mu = new double[outputs][d];
        double[][] sigma = new double[outputs][d];
        for (int o = 0; o < outputs; o++) {
            for (int j = 0; j < d; j++) {
                int at = 1 + 3 * (o * d + j);
                muStar[o][j] = t[at] / r;
                double mean = t[at + 1] / r;
                mu[o][j] = mean;
                sigma[o][j] = r > 1 ? Math.sqrt(Math.max(0, (t[at + 2] - r * mean * mean) / (r - 1))) : Double.NaN;
            }
        }
        Map<String, double[][]> arrays = new LinkedHashMap<>();
        arrays.put("mu_star", muStar);
        arrays.put("mu", mu);
        arrays.put("sigma", sigma);
        return new IndexSet(GsaMethod.MORRIS, checkpoints[checkpoint], arrays);
    }
}
