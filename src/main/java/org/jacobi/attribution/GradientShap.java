package org.jacobi.attribution;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;

/**
 * GradientSHAP as expected gradients (Erion et al. 2021; Captum's {@code GradientShap} without added noise): the
 * mean over draws of {@code (x - b) * grad f(b + a (x - b))}, with b drawn from a set of baseline samples and a
 * uniform in [0, 1). Draw k of sample s is (baseline {@code index[s][k]}, point {@code alpha[s][k]}); by default
 * both come from {@code java.util.Random(seed)}, sample after sample.
 */
public final class GradientShap implements AttributionMethod {
    /** Which baseline and which point along the path each draw of each sample takes. */
    public record Draws(int[][] index, double[][] alpha) {
        /** {@code perSample} draws for each of {@code samples} samples over {@code baselines} baselines. */
        public static Draws random(int samples, int perSample, int baselines, long seed) {
            Random random = new Random(seed);
            int[][] index = new int[samples][perSample];
            double[][] alpha = new double[samples][perSample];
            for (int s = 0; s < samples; s++) {
                for (int k = 0; k < perSample; k++) {
                    index[s][k] = random.nextInt(baselines);
                    alpha[s][k] = random.nextDouble();
                }
            }
            return new Draws(index, alpha);
        }
    }

    private final Tensor baselines;
    private final int draws;
    private final long seed;
    private final Draws given;

    /**
     * @param baselines {@code [count, *sample shape]}
     * @param given the draws to take, or null to draw {@code draws} per sample from {@code seed}
     */
    public GradientShap(Tensor baselines, int draws, long seed, Draws given) {
        if (baselines == null) {
            throw JacobiException.usage("gradshap needs --baselines FILE: samples [count, *one sample's shape] to average over.");
        }
        if (given == null && draws < 1) {
            throw JacobiException.usage("--samples must be at least 1, not " + draws + ".");
        }
        this.baselines = baselines;
        this.draws = given != null ? given.alpha()[0].length : draws;
        this.seed = seed;
        this.given = given;
    }

    @Override
    public String name() {
        return "gradshap";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("baselines", Tensor.shapeToString(baselines.shape()));
        m.put("samples", draws);
        m.put("seed", given == null ? seed : "given draws");
        return m;
    }

    @Override
    public Attribution attribute(AttributionProblem problem, int target, ProgressMonitor monitor) {
        int n = problem.perSample();
        if (baselines.rank() < 1 || baselines.size() != baselines.dim(0) * (long) n) {
            throw JacobiException.usage("The baselines file has shape " + Tensor.shapeToString(baselines.shape())
                + "; give [count, " + Tensor.shapeToString(problem.sampleShape()).substring(1) + ".");
        }
        Draws d = given != null ? given : Draws.random(problem.samples(), draws, (int) baselines.dim(0), seed);
        double[] x = problem.xValues();
        double[] b = baselines.toDoubleArray();
        double[] out = new double[x.length];
        PointBatches.gradients(problem, target, new PointBatches.Points(draws, (sample, point, dst, offset) -> {
            int base = d.index()[sample][point] * n;
            double a = d.alpha()[sample][point];
            for (int i = 0; i < n; i++) {
                dst[offset + i] = b[base + i] + a * (x[sample * n + i] - b[base + i]);
            }
        }), (s, k, g, offset) -> {
            int base = d.index()[s][k] * n;
            for (int i = 0; i < n; i++) {
                out[s * n + i] += g[offset + i] * (x[s * n + i] - b[base + i]) / draws;
            }
        }, monitor);
        return Attribution.of(out);
    }
}
