package org.jacobi.gsa;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.LinkedHashMap;

/**
 * Sums for first-order (Saltelli et al. 2010: {@code V_j = E[f(B) (f(AB_j) - f(A))]}) and total (Jansen 1999:
 * {@code VT_j = E[(f(A) - f(AB_j))^2] / 2}) Sobol' indices, divided by the variance of f(A) and f(B) pooled. The 95 %
 * intervals come from a Poisson bootstrap: replicate b weighs base row i by a Poisson(1) count drawn from
 * (seed, i, b), so each replicate is again a set of sums, and partitions combine exactly like the estimate itself.
 * The half-width is 1.96 times the replicates' standard deviation. Outputs are shifted by a typical value first, which
 * leaves the indices unchanged and keeps Saltelli's first-order sum from cancelling.
 */
final class SobolStatistics implements StudyStatistics {
    private static final long serialVersionUID = 1L;
    private static final double Z95 = 1.959963984540054;
    /** P(Poisson(1) <= k), k = 0..11; beyond that the count is 12 (probability below 1e-9). */
    private static final double[] POISSON_CDF = poissonCdf();

    private final StudyPlan plan;
    private final int d;
    private final int outputs;
    private final int replicates;
    private final int stride;
    private final long[] checkpoints;
    /** Per segment: for each replicate b (0 = the plain estimate), the weight total then per output the sums. */
    private final SegmentSums sums;

    SobolStatistics(StudyPlan plan) {
        this.plan = plan;
        this.d = plan.variedCount();
        this.outputs = plan.outputs();
        this.replicates = plan.study().bootstrap() + 1;
        this.stride = 4 + 2 * d;
        this.checkpoints = plan.checkpoints(GsaMethod.SOBOL);
        this.sums = new SegmentSums(checkpoints, replicates * (1 + outputs * stride));
    }

    @Override
    public GsaMethod method() {
        return GsaMethod.SOBOL;
    }

    @Override
    public void add(long firstBase, int count, double[] values, double[] jacobians) {
        int per = d + 2;
        double[] q = new double[outputs * stride];
        int[] weights = new int[replicates];
        for (int r = 0; r < count; r++) {
            long index = firstBase + r;
            double[] seg = sums.row(index);
            int rowBase = r * per * outputs;
            for (int o = 0; o < outputs; o++) {
                double shift = plan.shift(o);
                double fa = values[rowBase + o] - shift;
                double fb = values[rowBase + outputs + o] - shift;
                int k = o * stride;
                q[k] = fa;
                q[k + 1] = fb;
                q[k + 2] = fa * fa;
                q[k + 3] = fb * fb;
                for (int j = 0; j < d; j++) {
                    double fab = values[rowBase + (2 + j) * outputs + o] - shift;
                    double diff = fa - fab;
                    q[k + 4 + j] = -fb * diff;
                    q[k + 4 + d + j] = diff * diff;
                }
            }
            poissonWeights(index, weights);
            int block = 1 + outputs * stride;
            for (int b = 0; b < replicates; b++) {
                int w = weights[b];
                if (w == 0) {
                    continue;
                }
                int at = b * block;
                seg[at] += w;
                for (int i = 0; i < q.length; i++) {
                    seg[at + 1 + i] += w * q[i];
                }
            }
        }
    }

    /** Weight 1 for the estimate itself, Poisson(1) counts from (seed, row) for the replicates. */
    private void poissonWeights(long index, int[] weights) {
        weights[0] = 1;
        if (replicates == 1) {
            return;
        }
        SplittableRandom random = new SplittableRandom(UnitDesign.streamSeed(plan.study().seed(), 6, index));
        for (int b = 1; b < replicates; b++) {
            double u = random.nextDouble();
            int k = 0;
            while (k < POISSON_CDF.length && u > POISSON_CDF[k]) {
                k++;
            }
            weights[b] = k;
        }
    }

    private static double[] poissonCdf() {
        double[] cdf = new double[12];
        double p = Math.exp(-1);
        double sum = 0;
        for (int k = 0; k < cdf.length; k++) {
            sum += p;
            cdf[k] = sum;
            p /= k + 1;
        }
        return cdf;
    }

    @Override
    public void combine(StudyStatistics other) {
        sums.combine(((SobolStatistics) other).sums);
    }

    @Override
    public IndexSet finish(int checkpoint) {
        double[] total = sums.upTo(checkpoint);
        double[][] s1 = new double[outputs][d];
        double[][] st = new double[outputs][d];
        double[][] s1Conf = new double[outputs][d];
        double[][] stConf = new double[outputs][d];
        double[][] variance = new double[outputs][1];
        int block = 1 + outputs * stride;
        double[] est1 = new double[d];
        double[] estT = new double[d];
        double[][] m1 = new double[outputs][d];
        double[][] q1 = new double[outputs][d];
        double[][] mT = new double[outputs][d];
        double[][] qT = new double[outputs][d];
        int used = 0;
        for (int b = 0; b < replicates; b++) {
            double w = total[b * block];
            if (w <= 0) {
                continue;
            }
            if (b > 0) {
                used++;
            }
            for (int o = 0; o < outputs; o++) {
                double v = indices(total, b * block + 1 + o * stride, w, est1, estT);
                if (b == 0) {
                    variance[o][0] = v;
                    System.arraycopy(est1, 0, s1[o], 0, d);
                    System.arraycopy(estT, 0, st[o], 0, d);
                } else {
                    for (int j = 0; j < d; j++) {
                        m1[o][j] += est1[j];
                        q1[o][j] += est1[j] * est1[j];
                        mT[o][j] += estT[j];
                        qT[o][j] += estT[j] * estT[j];
                    }
                }
            }
        }
        for (int o = 0; o < outputs; o++) {
            for (int j = 0; j < d; j++) {
                s1Conf[o][j] = halfWidth(m1[o][j], q1[o][j], used);
                stConf[o][j] = halfWidth(mT[o][j], qT[o][j], used);
            }
        }
        Map<String, double[][]> arrays = new LinkedHashMap<>();
        arrays.put("S1", s1);
        arrays.put("S1_conf", s1Conf);
        arrays.put("ST", st);
        arrays.put("ST_conf", stConf);
        arrays.put("variance", variance);
        return new IndexSet(GsaMethod.SOBOL, checkpoints[checkpoint], arrays);
    }

    /** S1 and ST of one output from its sums at {@code at}; returns the variance (NaN indices when it is zero). */
    private double indices(double[] t, int at, double w, double[] s1, double[] st) {
        double mean = (t[at] + t[at + 1]) / (2 * w);
        double variance = (t[at + 2] + t[at + 3]) / (2 * w) - mean * mean;
        boolean flat = !(variance > 1e-300) || variance <= 1e-24 * ((t[at + 2] + t[at + 3]) / (2 * w));
        for (int j = 0; j < d; j++) {
            s1[j] = flat ? Double.NaN : t[at + 4 + j] / w / variance;
            st[j] = flat ? Double.NaN : t[at + 4 + d + j] / (2 * w) / variance;
        }
        return flat ? 0 : variance;
    }

    private static double halfWidth(double sum, double sumSquares, int n) {
        if (n < 2 || !Double.isFinite(sum)) {
            return Double.NaN;
        }
        double mean = sum / n;
        double var = Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
        return Z95 * Math.sqrt(var);
    }
}
