package org.jacobi.attribution;

import java.util.SplittableRandom;
import org.jacobi.core.ProgressMonitor;

/**
 * Sensitivity-max (Yeh et al. 2019) as Captum's {@code captum.metrics.sensitivity_max} with its default perturbation:
 * per sample the largest {@code ||a(x + d) - a(x)|| / ||a(x)||} (Frobenius norms; the denominator taken as 1 when
 * zero) over draws d uniform in [-radius, radius] per element, from {@code SplittableRandom(seed)}. It reruns the
 * method at every perturbed copy, all copies of all samples as one batch.
 */
public final class SensitivityMax {
    private final int draws;
    private final double radius;
    private final long seed;

    public SensitivityMax(int draws, double radius, long seed) {
        this.draws = draws;
        this.radius = radius;
        this.seed = seed;
    }

    /** Per sample sensitivity of {@code method} (whose attribution at x is {@code attribution}) for target {@code target}. */
    public double[] of(AttributionMethod method, AttributionProblem problem, int target, double[] attribution,
                       ProgressMonitor monitor) {
        int n = problem.perSample();
        double[] x = problem.xValues();
        SplittableRandom random = new SplittableRandom(seed);
        int[] sampleOfRow = new int[problem.samples() * draws];
        double[] rows = new double[sampleOfRow.length * n];
        for (int r = 0; r < sampleOfRow.length; r++) {
            int s = r / draws;
            sampleOfRow[r] = s;
            for (int i = 0; i < n; i++) {
                rows[r * n + i] = x[s * n + i] + radius * (2 * random.nextDouble() - 1);
            }
        }
        double[] perturbed = method.attribute(problem.forRows(sampleOfRow, rows), target, monitor).values();
        double[] out = new double[problem.samples()];
        for (int s = 0; s < out.length; s++) {
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += attribution[s * n + i] * attribution[s * n + i];
            }
            norm = norm == 0 ? 1 : Math.sqrt(norm);
            for (int d = 0; d < draws; d++) {
                double diff = 0;
                for (int i = 0; i < n; i++) {
                    double e = perturbed[(s * draws + d) * n + i] - attribution[s * n + i];
                    diff += e * e;
                }
                out[s] = Math.max(out[s], Math.sqrt(diff) / norm);
            }
        }
        return out;
    }
}
