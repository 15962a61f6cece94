package org.jacobi.ui.heatmap;

import java.util.function.IntFunction;

/**
 * A matrix for the heatmap: {@code rows x cols} values, row-major from {@code offset} in {@code values},
 * with labels for rows (outputs) and columns (inputs). A matrix computed row by row instead reads its rows from
 * {@code computedRow} (null for a row not computed yet, shown as such); {@code values} is then unused.
 */
public record HeatmapData(int rows, int cols, float[] values, int offset, IntFunction<String> rowLabel,
                          IntFunction<String> colLabel, IntFunction<float[]> computedRow) {
    private static final float[] NONE = new float[0];

    public HeatmapData {
        if (rows < 0 || cols < 0 || offset < 0
            || computedRow == null && (long) offset + (long) rows * cols > values.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " cells from " + offset + " do not fit " + values.length + " values");
        }
    }

    /** A complete matrix. */
    public HeatmapData(int rows, int cols, float[] values, int offset, IntFunction<String> rowLabel,
                       IntFunction<String> colLabel) {
        this(rows, cols, values, offset, rowLabel, colLabel, null);
    }

    /** A matrix whose rows are computed on demand: {@code computedRow} gives a row's {@code cols} values, or null. */
    public static HeatmapData ofRows(int rows, int cols, IntFunction<float[]> computedRow, IntFunction<String> rowLabel,
                                     IntFunction<String> colLabel) {
        return new HeatmapData(rows, cols, NONE, 0, rowLabel, colLabel, computedRow);
    }

    /** The value of a cell; NaN in a row not computed yet. */
    public double value(int row, int col) {
        if (computedRow != null) {
            float[] r = computedRow.apply(row);
            return r == null ? Double.NaN : r[col];
        }
        return values[offset + row * cols + col];
    }

    /** True when every row is there; false for a matrix computed row by row. */
    public boolean complete() {
        return computedRow == null;
    }

    /** Whether row {@code row} has values (always, for a complete matrix). */
    public boolean hasRow(int row) {
        return computedRow == null || computedRow.apply(row) != null;
    }

    /** The array holding row {@code row} (from {@link #rowStart}), or null when it is not computed. */
    float[] rowArray(int row) {
        return computedRow == null ? values : computedRow.apply(row);
    }

    /** Where row {@code row} starts in {@link #rowArray}. */
    int rowStart(int row) {
        return computedRow == null ? offset + row * cols : 0;
    }

    /** A plain matrix with index labels. */
    public static HeatmapData of(int rows, int cols, float[] values) {
        return new HeatmapData(rows, cols, values, 0, r -> "row " + r, c -> "column " + c);
    }
}
