package org.jacobi.gsa;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The float64 sufficient statistics of one method over the base rows seen so far, kept separately for each
 * convergence segment (base rows between two {@link StudyPlan#checkpoints}). Adding rows touches only sums;
 * {@link #combine} adds another partition's sums, so partitions may be merged in any grouping and order. The sums are
 * the same to the last bit however the rows were batched, as long as each {@link #SUM_BLOCK} of base rows is added to
 * one statistics object in order ({@link SegmentSums}): a cluster gives the single process's indices exactly.
 */
public interface StudyStatistics extends Serializable {
    /** Base rows summed in plain doubles before their totals are added exactly; a task must take whole blocks. */
    int SUM_BLOCK = 1024;

    /**
     * Base rows to evaluate at once: a whole {@link #SUM_BLOCK} when {@code modelRows} (what the memory budget allows)
     * hold it, else the largest power of two that fits. Every runner batching this way cuts the rows at the same places,
     * and ONNX Runtime's vectorised kernels give a row the same bits only at the same place in the same batch.
     */
    static int batchBaseRows(int rowsPerBase, int modelRows) {
        int fits = Math.max(1, modelRows / rowsPerBase);
        return fits >= SUM_BLOCK ? SUM_BLOCK : Integer.highestOneBit(fits);
    }

    GsaMethod method();

    /**
     * Adds base rows {@code firstBase .. firstBase+count-1}.
     *
     * @param outputs the model outputs of {@link StudyPlan#inputRows} for those rows, row-major
     *     ({@code count * rowsPerBase} rows of {@link StudyPlan#outputs} values)
     * @param jacobians for DGSM, {@code count} Jacobians {@code [outputs][varied elements]} row-major; else null
     */
    void add(long firstBase, int count, double[] outputs, double[] jacobians);

    /** Adds the sums of {@code other} (same plan and method) into these. */
    void combine(StudyStatistics other);

    /** The indices from base rows 0 .. {@code checkpoints[checkpoint]} - 1, which must all have been added. */
    IndexSet finish(int checkpoint);

    /** The indices at every checkpoint, the last being the full sample. */
    default List<IndexSet> convergence(int checkpoints) {
        List<IndexSet> out = new ArrayList<>();
        for (int k = 0; k < checkpoints; k++) {
            out.add(finish(k));
        }
        return out;
    }

    /** The segment of base row {@code index}: the first checkpoint above it. */
    static int segment(long[] checkpoints, long index) {
        for (int s = 0; s < checkpoints.length; s++) {
            if (index < checkpoints[s]) {
                return s;
            }
        }
        throw new IllegalArgumentException("base row " + index + " is beyond the study's " + checkpoints[checkpoints.length - 1]);
    }
}
