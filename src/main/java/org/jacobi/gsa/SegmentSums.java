package org.jacobi.gsa;

import java.io.Serializable;

/**
 * The sums of one method's statistics, per convergence segment, added in an order that does not depend on how the
 * rows were batched or partitioned: the rows of each {@link StudyStatistics#SUM_BLOCK} of base rows (cut also at the
 * segment ends) are summed in row order in plain doubles, and each block's totals are then added exactly
 * ({@link ExactSums}). So one process and a cluster that hands each task whole blocks round to the same bits.
 */
final class SegmentSums implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] checkpoints;
    private final ExactSums[] segments;
    /** The running totals of the open block, and which (segment, block) it is; -1 while none is open. */
    private final double[] open;
    private int openSegment = -1;
    private long openBlock = -1;

    SegmentSums(long[] checkpoints, int values) {
        this.checkpoints = checkpoints;
        this.segments = new ExactSums[checkpoints.length];
        for (int s = 0; s < segments.length; s++) {
            segments[s] = new ExactSums(values);
        }
        this.open = new double[values];
    }

    /** The running totals to add base row {@code index}'s terms into (rows of a block must come in order). */
    double[] row(long index) {
        int segment = StudyStatistics.segment(checkpoints, index);
        long block = index / StudyStatistics.SUM_BLOCK;
        if (segment != openSegment || block != openBlock) {
            close();
            openSegment = segment;
            openBlock = block;
        }
        return open;
    }

    /** Adds {@code other}'s sums (same plan and method) into these. */
    void combine(SegmentSums other) {
        close();
        other.close();
        for (int s = 0; s < segments.length; s++) {
            segments[s].addAll(other.segments[s]);
        }
    }

    /** The sums of segments 0 .. {@code checkpoint}, each rounded once. */
    double[] upTo(int checkpoint) {
        close();
        ExactSums total = new ExactSums(open.length);
        for (int s = 0; s <= checkpoint; s++) {
            total.addAll(segments[s]);
        }
        double[] out = new double[open.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = total.get(i);
        }
        return out;
    }

    private void close() {
        if (openSegment < 0) {
            return;
        }
        ExactSums into = segments[openSegment];
        for (int i = 0; i < open.length; i++) {
            into.add(i, open[i]);
            open[i] = 0;
        }
        openSegment = -1;
        openBlock = -1;
    }
}
