package org.jacobi.attribution;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.analysis.Saliency;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;

/**
 * Runs one method for every target of a problem, with the metrics asked for: what the command line writes and the
 * app shows. Attributions are laid out {@code [batch, *input sample shape]}, or {@code [batch, targets, *input sample
 * shape]} when the target has several elements ({@code [each]}).
 */
public final class AttributionRunner {
    /**
     * One method's result.
     *
     * @param completenessGap {@code [target][sample]}, or null for methods without completeness
     * @param metrics per metric name, {@code [target][sample]}
     * @param curves deletion/insertion curves per metric name, {@code [target][sample][step]}
     */
    public record Result(String method, Map<String, Object> parameters, Tensor values, double[][] completenessGap,
                         Map<String, double[][]> metrics, Map<String, double[][][]> curves, double seconds) {
    }

    private AttributionRunner() {
    }

    public static Result run(AttributionMethod method, AttributionProblem problem, List<String> metrics, AttributionSettings settings,
                             ProgressMonitor monitor) {
        long start = System.nanoTime();
        int targets = problem.target().targets();
        int n = problem.perSample();
        int samples = problem.samples();
        float[] values = new float[samples * targets * n];
        double[][] gap = null;
        Map<String, double[][]> scores = new LinkedHashMap<>();
        Map<String, double[][][]> curves = new LinkedHashMap<>();
        for (int t = 0; t < targets; t++) {
            monitor.checkCancelled();
            Attribution a = method.attribute(problem, t, monitor);
            double[] v = a.values();
            for (int s = 0; s < samples; s++) {
                for (int i = 0; i < n; i++) {
                    values[(s * targets + t) * n + i] = (float) v[s * n + i];
                }
            }
            if (a.completenessGap() != null) {
                gap = gap == null ? new double[targets][] : gap;
                gap[t] = a.completenessGap();
            }
            for (String metric : metrics) {
                double[][] perTarget = scores.computeIfAbsent(metric, k -> new double[targets][]);
                switch (metric) {
                    case "infidelity":
                        perTarget[t] = new Infidelity(settings.metricSamples(), settings.noise(), settings.seed()).of(problem, t, v, monitor);
                        break;
                    case "sensitivity":
                        perTarget[t] = new SensitivityMax(settings.metricSamples(), settings.sensitivityRadius(), settings.seed())
                            .of(method, problem, t, v, monitor);
                        break;
                    default: {
                        DeletionInsertion.Kind kind = metric.equals("deletion") ? DeletionInsertion.Kind.DELETION : DeletionInsertion.Kind.INSERTION;
                        DeletionInsertion.Curves c = new DeletionInsertion(kind, settings.curveSteps(), block(problem, settings), settings.fill())
                            .of(problem, t, v, monitor);
                        perTarget[t] = c.area();
                        curves.computeIfAbsent(metric, k -> new double[targets][][])[t] = c.scores();
                    }
                }
            }
        }
        long[] shape = targets == 1 ? PointBatches.concat(new long[] {samples}, problem.sampleShape())
            : PointBatches.concat(new long[] {samples, targets}, problem.sampleShape());
        return new Result(method.name(), method.parameters(), Tensor.ofFloats(values, shape), gap, scores, curves,
            (System.nanoTime() - start) / 1e9);
    }

    /** The deletion/insertion block side: as set, or 1/16 of the image's larger side (1 for other inputs). */
    public static int block(AttributionProblem problem, AttributionSettings settings) {
        long[] shape = problem.sampleShape();
        if (settings.block() > 0 || !Saliency.isImageShaped(shape)) {
            return Math.max(1, settings.block());
        }
        return (int) Math.max(1, Math.ceil(Math.max(shape[1], shape[2]) / 16.0));
    }
}
