package org.jacobi.attribution;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianRequest;

/**
 * Captum's {@code NoiseTunnel} around any method: the method's attribution at noisy copies of each sample, reduced
 * over the draws. SmoothGrad (Smilkov et al. 2017) is the mean, SmoothGrad² the mean of the squares, VarGrad
 * (Adebayo et al. 2018) the variance (mean of squares minus squared mean, as Captum). The draws are Gaussian with
 * standard deviation {@code noise * (max(x) - min(x))} per sample (the paper's noise level, a fraction of the input's
 * range) from {@code SplittableRandom(seed)} (its ziggurat normals: drawing them was a tenth of a SmoothGrad with
 * {@code java.util.Random}'s polar method), or the arrays of a noise file ({@code [draws, *sample shape]}), added to
 * every sample as they are. All draws of a group of samples go to the wrapped method as one batch.
 */
public final class NoiseTunnel implements AttributionMethod {
    /** How the draws are reduced. */
    public enum Kind {
        SMOOTHGRAD("smoothgrad"), SMOOTHGRAD_SQ("smoothgrad-sq"), VARGRAD("vargrad");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The kind named {@code text}, or null when it names none. */
        public static Kind byLabel(String text) {
            for (Kind k : values()) {
                if (k.label.equals(text.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            return null;
        }
    }

    private final AttributionMethod inner;
    private final Kind kind;
    private final int draws;
    private final double noise;
    private final long seed;
    private final Tensor noiseFile;

    /**
     * @param noiseFile the noise to add, {@code [draws, *sample shape]}, or null to draw it
     */
    public NoiseTunnel(AttributionMethod inner, Kind kind, int draws, double noise, long seed, Tensor noiseFile) {
        if (noiseFile == null && draws < 1) {
            throw JacobiException.usage("--samples must be at least 1, not " + draws + ".");
        }
        if (noiseFile == null && !(noise >= 0)) {
            throw JacobiException.usage("--noise must be a fraction of the input's range, 0 or more, not " + noise + ".");
        }
        this.inner = inner;
        this.kind = kind;
        this.draws = noiseFile != null ? (int) noiseFile.dim(0) : draws;
        this.noise = noise;
        this.seed = seed;
        this.noiseFile = noiseFile;
    }

    @Override
    public String name() {
        return inner instanceof GradientSaliency ? kind.label() : kind.label() + "-" + inner.name();
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>(inner.parameters());
        m.put("of_method", inner.name());
        m.put("samples", draws);
        if (noiseFile != null) {
            m.put("noise_file", Tensor.shapeToString(noiseFile.shape()));
        } else {
            m.put("noise", noise);
            m.put("seed", seed);
        }
        return m;
    }

    @Override
    public Attribution attribute(AttributionProblem problem, int target, ProgressMonitor monitor) {
        int n = problem.perSample();
        if (noiseFile != null && noiseFile.size() != (long) draws * n) {
            throw JacobiException.usage("The noise file has shape " + Tensor.shapeToString(noiseFile.shape()) + "; give [draws, "
                + Tensor.shapeToString(problem.sampleShape()).replace("[", "") + ".");
        }
        double[] x = problem.xValues();
        double[] fileNoise = noiseFile == null ? null : noiseFile.toDoubleArray();
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[x.length];
        long budget = problem.maxMemoryBytes() > 0 ? problem.maxMemoryBytes() : JacobianRequest.defaultMemoryBudget();
        int group = (int) Math.max(1, Math.min(problem.samples(), budget / (4L * Double.BYTES * draws * n)));
        for (int s0 = 0; s0 < problem.samples(); s0 += group) {
            int count = Math.min(group, problem.samples() - s0);
            int[] sampleOfRow = new int[count * draws];
            double[] rows = new double[count * draws * n];
            for (int s = s0; s < s0 + count; s++) {
                double sigma = noise * (Baseline.max(x, s * n, n) - Baseline.min(x, s * n, n));
                for (int d = 0; d < draws; d++) {
                    int r = (s - s0) * draws + d;
                    sampleOfRow[r] = s;
                    for (int i = 0; i < n; i++) {
                        double e = fileNoise != null ? fileNoise[d * n + i] : sigma * random.nextGaussian();
                        rows[r * n + i] = x[s * n + i] + e;
                    }
                }
            }
            double[] a = inner.attribute(problem.forRows(sampleOfRow, rows), target, monitor).values();
            reduce(a, count, n, out, s0 * n);
        }
        return Attribution.of(out);
    }

    private void reduce(double[] a, int samples, int n, double[] out, int offset) {
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < n; i++) {
                double sum = 0;
                double squares = 0;
                for (int d = 0; d < draws; d++) {
                    double v = a[(s * draws + d) * n + i];
                    sum += v;
                    squares += v * v;
                }
                double mean = sum / draws;
                double meanSquare = squares / draws;
                out[offset + s * n + i] = switch (kind) {
                    case SMOOTHGRAD -> mean;
                    case SMOOTHGRAD_SQ -> meanSquare;
                    case VARGRAD -> meanSquare - mean * mean;
                };
            }
        }
    }
}
