package org.jacobi.gsa;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jacobi.core.JacobiException;

/**
 * A study resolved against a model, reduced to numbers: one distribution per element of the varied input, the output
 * element count, and the designs. It holds no model and is {@link Serializable}, so a cluster can ship it to every
 * worker. The work of a study splits into three pure steps that any machine can run for any range of rows:
 * <ol>
 *   <li>{@link #inputRows}: the model inputs of base rows {@code from .. from+count-1} of a method, a function of
 *       (seed, row index) only;</li>
 *   <li>evaluating them ({@link StudyEvaluator#outputs}, {@link StudyEvaluator#jacobians}), in any batch size;</li>
 *   <li>{@link StudyStatistics#add}: float64 sufficient statistics of those rows, which
 *       {@link StudyStatistics#combine} merges associatively (partition results in any grouping give the same
 *       indices up to float64 rounding; the bootstrap weights of a row come from its index, not from the
 *       partitioning).</li>
 * </ol>
 * {@link StudyStatistics#finish} then turns the merged statistics into indices, at every convergence checkpoint.
 */
public final class StudyPlan implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * Morris's grid (as in Morris 1991 and SALib): u = level / (LEVELS - 1), steps of LEVELS / 2 levels, a jump of
     * Delta = LEVELS / (2 (LEVELS - 1)) = 2/3 in u. Distributions without finite ends (normal, lognormal) take
     * their 0.1 % and 99.9 % quantiles at u = 0 and 1.
     */
    static final int MORRIS_LEVELS = 4;
    static final double MORRIS_DELTA = MORRIS_LEVELS / (2.0 * (MORRIS_LEVELS - 1));
    private static final double MORRIS_END = 1e-3;
    /** The smallest convergence checkpoint. */
    static final int MIN_CHECKPOINT = 16;
    private static final long STATISTICS_LIMIT_BYTES = 512L << 20;
    /** Memory of one exact sum ({@link ExactSums}: a handful of 64-bit digits in an array of its own). */
    private static final long BYTES_PER_SUM = 72;

    private final GsaStudy study;
    private final String wrt;
    private final String of;
    private final Distribution[] distributions;
    private final int[] varied;
    private final List<String> inputLabels;
    private final List<String> outputLabels;
    private final double[] outputShift;
    private final UnitDesign sobolDesign;
    private final UnitDesign dgsmDesign;

    /**
     * @param distributions one per element of one sample of {@code wrt}
     * @param elementLabels one label per element
     * @param outputLabels one label per element of one sample of {@code of}
     * @param outputShift a typical output (the model at the medians), subtracted before sums to keep them well
     *     conditioned; any value gives the same indices in exact arithmetic
     */
    public StudyPlan(GsaStudy study, String wrt, String of, Distribution[] distributions, List<String> elementLabels,
                     List<String> outputLabels, double[] outputShift) {
        this.study = study;
        this.wrt = wrt;
        this.of = of;
        this.distributions = distributions.clone();
        List<Integer> v = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < distributions.length; i++) {
            if (distributions[i].varies()) {
                v.add(i);
                labels.add(elementLabels.get(i));
            }
        }
        this.varied = v.stream().mapToInt(Integer::intValue).toArray();
        this.inputLabels = List.copyOf(labels);
        this.outputLabels = List.copyOf(outputLabels);
        this.outputShift = outputShift.clone();
        if (outputShift.length != outputLabels.size()) {
            throw new IllegalArgumentException("one shift per output element");
        }
        int d = varied.length;
        this.sobolDesign = study.methods().contains(GsaMethod.SOBOL)
            ? UnitDesign.of(study.design(), 2 * d, study.samples(), study.seed()) : null;
        this.dgsmDesign = study.methods().contains(GsaMethod.DGSM)
            ? UnitDesign.of(study.design(), d, study.samples(), UnitDesign.mix(study.seed() + 7)) : null;
        checkStatisticsSize();
    }

    public GsaStudy study() {
        return study;
    }

    public String wrt() {
        return wrt;
    }

    public String of() {
        return of;
    }

    /** Elements of one sample of the varied input, fixed ones included. */
    public int elements() {
        return distributions.length;
    }

    /** d: the elements that vary. */
    public int variedCount() {
        return varied.length;
    }

    /** The flat index (in one sample of wrt) of the k-th varied element. */
    public int variedElement(int k) {
        return varied[k];
    }

    public Distribution distribution(int element) {
        return distributions[element];
    }

    /** Labels of the varied elements: the "inputs" of every index array. */
    public List<String> inputLabels() {
        return inputLabels;
    }

    public List<String> outputLabels() {
        return outputLabels;
    }

    public int outputs() {
        return outputLabels.size();
    }

    double shift(int output) {
        return outputShift[output];
    }

    /** How many base rows the method has: N for Sobol' and DGSM, the trajectory count for Morris. */
    public long baseRows(GsaMethod method) {
        return method == GsaMethod.MORRIS ? study.morrisTrajectories() : study.samples();
    }

    /** Model inputs per base row: d + 2 (A, B, then A with column j from B) for Sobol', 1 for DGSM, d + 1 for Morris. */
    public int rowsPerBase(GsaMethod method) {
        return switch (method) {
            case SOBOL -> varied.length + 2;
            case DGSM -> 1;
            case MORRIS -> varied.length + 1;
        };
    }

    /** Model evaluations (forward passes or Jacobians, one per input row) the method needs in all. */
    public long evaluations(GsaMethod method) {
        return baseRows(method) * rowsPerBase(method);
    }

    /** Base-row counts at which estimates are reported, ascending, ending at {@link #baseRows}: N/2^k down to 16. */
    public long[] checkpoints(GsaMethod method) {
        long n = baseRows(method);
        List<Long> out = new ArrayList<>();
        out.add(n);
        while (out.get(0) / 2 >= MIN_CHECKPOINT) {
            out.add(0, out.get(0) / 2);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The model inputs of base rows {@code from .. from+count-1} of the method, each row one full sample of the varied
     * input ({@link #elements()} values, fixed elements included), row-major: {@code count * rowsPerBase(method)} rows.
     */
    public double[] inputRows(GsaMethod method, long from, int count) {
        int d = varied.length;
        int e = distributions.length;
        int per = rowsPerBase(method);
        double[] rows = new double[count * per * e];
        switch (method) {
            case SOBOL -> {
                double[] u = new double[count * 2 * d];
                sobolDesign.points(from, count, u);
                double[] a = new double[d];
                double[] b = new double[d];
                for (int r = 0; r < count; r++) {
                    System.arraycopy(u, r * 2 * d, a, 0, d);
                    System.arraycopy(u, r * 2 * d + d, b, 0, d);
                    int base = r * per;
                    writeRow(a, rows, base);
                    writeRow(b, rows, base + 1);
                    for (int j = 0; j < d; j++) {
                        double keep = a[j];
                        a[j] = b[j];
                        writeRow(a, rows, base + 2 + j);
                        a[j] = keep;
                    }
                }
            }
            case DGSM -> {
                double[] u = new double[count * d];
                dgsmDesign.points(from, count, u);
                double[] p = new double[d];
                for (int r = 0; r < count; r++) {
                    System.arraycopy(u, r * d, p, 0, d);
                    writeRow(p, rows, r);
                }
            }
            case MORRIS -> {
                double[] p = new double[d];
                for (int r = 0; r < count; r++) {
                    MorrisTrajectory t = morrisTrajectory(from + r);
                    int[] level = t.start.clone();
                    int base = r * per;
                    for (int j = 0; j < d; j++) {
                        p[j] = (double) level[j] / (MORRIS_LEVELS - 1);
                    }
                    writeMorrisRow(p, rows, base);
                    for (int s = 0; s < d; s++) {
                        int j = t.order[s];
                        level[j] += t.up[s] ? MORRIS_LEVELS / 2 : -MORRIS_LEVELS / 2;
                        p[j] = (double) level[j] / (MORRIS_LEVELS - 1);
                        writeMorrisRow(p, rows, base + 1 + s);
                    }
                }
            }
        }
        return rows;
    }

    /** The element values of unit point {@code u} (varied coordinates only) into row {@code row} of {@code out}. */
    private void writeRow(double[] u, double[] out, int row) {
        int e = distributions.length;
        int offset = row * e;
        int k = 0;
        for (int i = 0; i < e; i++) {
            Distribution dist = distributions[i];
            out[offset + i] = dist.varies() ? dist.quantile(u[k++]) : dist.quantile(0.5);
        }
    }

    /** As {@link #writeRow}, on Morris's closed grid: ends that map to infinity move to the 0.1 % quantiles. */
    private void writeMorrisRow(double[] u, double[] out, int row) {
        int e = distributions.length;
        int offset = row * e;
        int k = 0;
        for (int i = 0; i < e; i++) {
            Distribution dist = distributions[i];
            if (!dist.varies()) {
                out[offset + i] = dist.quantile(0.5);
                continue;
            }
            double x = dist.quantile(u[k]);
            if (!Double.isFinite(x)) {
                x = dist.quantile(Math.min(1 - MORRIS_END, Math.max(MORRIS_END, u[k])));
            }
            out[offset + i] = x;
            k++;
        }
    }

    /** The values at the medians: a typical input, where the output shift is taken. */
    public double[] medianRow() {
        double[] u = new double[varied.length];
        Arrays.fill(u, 0.5);
        double[] row = new double[distributions.length];
        writeRow(u, row, 0);
        return row;
    }

    /**
     * Morris trajectory t: a random start on the grid, a random order of the d elements, and the direction of each
     * one-level-jump (up from the lower half of the grid, down from the upper half), all from (seed, t).
     */
    MorrisTrajectory morrisTrajectory(long t) {
        int d = varied.length;
        SplittableRandom random = new SplittableRandom(UnitDesign.streamSeed(study.seed(), 5, t));
        int[] start = new int[d];
        for (int j = 0; j < d; j++) {
            start[j] = random.nextInt(MORRIS_LEVELS);
        }
        int[] order = new int[d];
        for (int j = 0; j < d; j++) {
            order[j] = j;
        }
        for (int j = d - 1; j > 0; j--) {
            int k = random.nextInt(j + 1);
            int tmp = order[j];
            order[j] = order[k];
            order[k] = tmp;
        }
        boolean[] up = new boolean[d];
        for (int s = 0; s < d; s++) {
            up[s] = start[order[s]] < MORRIS_LEVELS / 2;
        }
        return new MorrisTrajectory(start, order, up);
    }

    record MorrisTrajectory(int[] start, int[] order, boolean[] up) {
    }

    /** Empty statistics for the method, to fill with {@link StudyStatistics#add} and merge. */
    public StudyStatistics newStatistics(GsaMethod method) {
        return switch (method) {
            case SOBOL -> new SobolStatistics(this);
            case DGSM -> new DgsmStatistics(this);
            case MORRIS -> new MorrisStatistics(this);
        };
    }

    private void checkStatisticsSize() {
        if (!study.methods().contains(GsaMethod.SOBOL)) {
            return;
        }
        long sums = (long) checkpoints(GsaMethod.SOBOL).length * (study.bootstrap() + 1)
            * outputs() * (4L + 2L * varied.length);
        if (sums * BYTES_PER_SUM > STATISTICS_LIMIT_BYTES) {
            throw JacobiException.usage("Sobol' statistics for " + outputs() + " outputs x " + varied.length
                + " inputs with " + study.bootstrap() + " bootstrap replicates would need "
                + (sums * BYTES_PER_SUM >> 20) + " MiB. Choose one output with --of, fewer varied elements, or fewer --bootstrap.");
        }
    }
}
