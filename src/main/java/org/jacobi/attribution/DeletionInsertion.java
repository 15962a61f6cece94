package org.jacobi.attribution;

import java.util.Arrays;
import org.jacobi.analysis.Saliency;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;

/**
 * Deletion and insertion curves (Petsiuk et al. 2018, RISE): features are ranked by their summed attribution, most
 * positive first; deletion fills the top-ranked fraction of the input with a constant and insertion starts from the
 * constant and puts the top-ranked fraction of the input back. The curve is the target at {@code steps + 1} evenly
 * spaced fractions 0, 1/steps, ..., 1 (the top {@code floor(j F / steps)} of F features); its area is the
 * trapezoid rule over the fractions. For image-shaped inputs a feature is a block of {@code block x block} pixels
 * over all channels, otherwise one element. A good attribution gives deletion a small area and insertion a large one.
 */
public final class DeletionInsertion {
    /** Which curve. */
    public enum Kind { DELETION, INSERTION }

    /** Per sample, the target at each fraction ({@code [sample][step]}) and the area under it. */
    public record Curves(Kind kind, double[][] scores, double[] area) {
    }

    private final Kind kind;
    private final int steps;
    private final int block;
    private final double fill;

    public DeletionInsertion(Kind kind, int steps, int block, double fill) {
        if (steps < 1 || block < 1) {
            throw JacobiException.usage("Deletion and insertion curves need at least 1 step and blocks of at least 1 pixel.");
        }
        this.kind = kind;
        this.steps = steps;
        this.block = block;
        this.fill = fill;
    }

    public Curves of(AttributionProblem problem, int target, double[] attribution, ProgressMonitor monitor) {
        int n = problem.perSample();
        int[] featureOf = features(problem.sampleShape());
        int features = Arrays.stream(featureOf).max().orElse(-1) + 1;
        double[] x = problem.xValues();
        int[][] rank = new int[problem.samples()][];
        for (int s = 0; s < rank.length; s++) {
            double[] importance = new double[features];
            for (int i = 0; i < n; i++) {
                importance[featureOf[i]] += attribution[s * n + i];
            }
            rank[s] = order(importance);
        }
        double[][] scores = PointBatches.values(problem, target, new PointBatches.Points(steps + 1, (sample, point, dst, offset) -> {
            boolean[] chosen = new boolean[features];
            int k = (int) ((long) point * features / steps);
            for (int r = 0; r < k; r++) {
                chosen[rank[sample][r]] = true;
            }
            for (int i = 0; i < n; i++) {
                boolean fromInput = kind == Kind.DELETION ? !chosen[featureOf[i]] : chosen[featureOf[i]];
                dst[offset + i] = fromInput ? x[sample * n + i] : fill;
            }
        }), monitor);
        double[] area = new double[scores.length];
        for (int s = 0; s < area.length; s++) {
            for (int j = 0; j < steps; j++) {
                area[s] += (scores[s][j] + scores[s][j + 1]) / (2.0 * steps);
            }
        }
        return new Curves(kind, scores, area);
    }

    /** The feature of each element of one sample. */
    private int[] features(long[] shape) {
        int n = (int) Tensor.elementCount(shape);
        int[] out = new int[n];
        if (!Saliency.isImageShaped(shape)) {
            Arrays.setAll(out, i -> i);
            return out;
        }
        int h = (int) shape[1];
        int w = (int) shape[2];
        int blocksWide = (w + block - 1) / block;
        for (int i = 0; i < n; i++) {
            int pixel = i % (h * w);
            out[i] = pixel / w / block * blocksWide + pixel % w / block;
        }
        return out;
    }

    /** Feature indices by importance, largest first (ties by index). */
    private static int[] order(double[] importance) {
        Integer[] idx = new Integer[importance.length];
        Arrays.setAll(idx, i -> i);
        Arrays.sort(idx, (a, b) -> Double.compare(importance[b], importance[a]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
}
