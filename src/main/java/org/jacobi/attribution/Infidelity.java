package org.jacobi.attribution;

import java.util.Random;
import org.jacobi.core.ProgressMonitor;

/**
 * Infidelity (Yeh et al. 2019) as Captum's {@code captum.metrics.infidelity} without normalisation: per sample the
 * mean over perturbations I of {@code (sum(I * attribution) - (f(x) - f(x - I)))^2}. The perturbations are
 * Gaussian with standard deviation {@code noise * (max(x) - min(x))} per sample, from {@code java.util.Random(seed)},
 * or given. Zero when the attribution is the gradient of a linear model.
 */
public final class Infidelity {
    private final int draws;
    private final double noise;
    private final long seed;

    public Infidelity(int draws, double noise, long seed) {
        this.draws = draws;
        this.noise = noise;
        this.seed = seed;
    }

    /** The perturbations this metric draws for {@code problem}: {@code [sample][draw][element]}. */
    public double[][][] perturbations(AttributionProblem problem) {
        int n = problem.perSample();
        double[] x = problem.xValues();
        Random random = new Random(seed);
        double[][][] out = new double[problem.samples()][draws][n];
        for (int s = 0; s < out.length; s++) {
            double sigma = noise * (Baseline.max(x, s * n, n) - Baseline.min(x, s * n, n));
            for (int k = 0; k < draws; k++) {
                for (int i = 0; i < n; i++) {
                    out[s][k][i] = sigma * random.nextGaussian();
                }
            }
        }
        return out;
    }

    /** Per sample infidelity of {@code attribution} ({@code [samples, *sample shape]} flat) for target {@code target}. */
    public double[] of(AttributionProblem problem, int target, double[] attribution, ProgressMonitor monitor) {
        return of(problem, target, attribution, perturbations(problem), monitor);
    }

    /** The same with the given perturbations {@code [sample][draw][element]}. */
    public static double[] of(AttributionProblem problem, int target, double[] attribution, double[][][] perturbations,
                              ProgressMonitor monitor) {
        int n = problem.perSample();
        double[] x = problem.xValues();
        int k = perturbations[0].length;
        double[][] f = PointBatches.values(problem, target, new PointBatches.Points(1 + k, (sample, point, dst, offset) -> {
            for (int i = 0; i < n; i++) {
                dst[offset + i] = x[sample * n + i] - (point == 0 ? 0 : perturbations[sample][point - 1][i]);
            }
        }), monitor);
        double[] out = new double[problem.samples()];
        for (int s = 0; s < out.length; s++) {
            double sum = 0;
            for (int d = 0; d < k; d++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += perturbations[s][d][i] * attribution[s * n + i];
                }
                double e = dot - (f[s][0] - f[s][d + 1]);
                sum += e * e;
            }
            out[s] = sum / k;
        }
        return out;
    }
}
