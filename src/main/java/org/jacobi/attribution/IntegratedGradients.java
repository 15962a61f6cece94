package org.jacobi.attribution;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.ProgressMonitor;

/**
 * Integrated Gradients (Sundararajan et al. 2017), as Captum's {@code IntegratedGradients}: the path integral of the
 * gradient from the baseline x' to the input x, {@code (x - x') * sum_k w_k grad f(x' + a_k (x - x'))} with the points
 * a_k and weights w_k of an {@link IntegrationRule}. Every (sample, step) pair is one row of the stacked reverse passes.
 * The completeness gap {@code sum(attribution) - (f(x) - f(x'))} measures the quadrature's error per sample.
 */
public final class IntegratedGradients implements AttributionMethod {
    private final int steps;
    private final IntegrationRule rule;
    private final Baseline baseline;

    public IntegratedGradients(int steps, IntegrationRule rule, Baseline baseline) {
        this.steps = steps;
        this.rule = rule;
        this.baseline = baseline;
        rule.points(steps); // checks the step count now rather than after the first runs
    }

    @Override
    public String name() {
        return "ig";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("rule", rule.label());
        m.put("baseline", baseline.describe());
        return m;
    }

    @Override
    public Attribution attribute(AttributionProblem problem, int target, ProgressMonitor monitor) {
        int n = problem.perSample();
        double[] x = problem.xValues();
        double[] base = baseline.values(problem);
        double[] alphas = rule.points(steps);
        double[] weights = rule.weights(steps);
        double[] total = new double[x.length];
        PointBatches.gradients(problem, target, new PointBatches.Points(steps, (sample, point, dst, offset) -> {
            for (int i = 0, j = sample * n; i < n; i++, j++) {
                dst[offset + i] = base[j] + alphas[point] * (x[j] - base[j]);
            }
        }), (s, k, g, offset) -> {
            for (int i = 0, j = s * n; i < n; i++, j++) {
                total[j] += weights[k] * g[offset + i];
            }
        }, monitor);
        for (int j = 0; j < total.length; j++) {
            total[j] *= x[j] - base[j];
        }
        return new Attribution(total, completenessGap(problem, target, total, x, base, monitor));
    }

    /** Per sample {@code sum(attribution) - (f(x) - f(baseline))}, from one forward run of both. */
    static double[] completenessGap(AttributionProblem problem, int target, double[] attribution, double[] x, double[] base,
                                    ProgressMonitor monitor) {
        int n = problem.perSample();
        double[][] f = PointBatches.values(problem, target, new PointBatches.Points(2, (sample, point, dst, offset) -> {
            System.arraycopy(point == 0 ? x : base, sample * n, dst, offset, n);
        }), monitor);
        double[] gap = new double[problem.samples()];
        for (int s = 0; s < gap.length; s++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += attribution[s * n + i];
            }
            gap[s] = sum - (f[s][0] - f[s][1]);
        }
        return gap;
    }
}
