package org.jacobi.ui.heatmap;

import java.util.function.IntFunction;

/**
 * A matrix for the heatmap: {@code rows x cols} values, row-major from {@code offset} in {@code values},
 * with labels for rows (outputs) and columns (inputs).
 */
public record HeatmapData(int rows, int cols, float[] values, int offset, IntFunction<String> rowLabel,
                          IntFunction<String> colLabel) {
    public HeatmapData {
        if (rows < 0 || cols < 0 || offset < 0 || (long) offset + (long) rows * cols > values.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " cells from " + offset + " do not fit " + values.length + " values");
        }
    }

    public double value(int row, int col) {
        return values[offset + row * cols + col];
    }

    /** A plain matrix with index labels. */
    public static HeatmapData of(int rows, int cols, float[] values) {
        return new HeatmapData(rows, cols, values, 0, r -> "row " + r, c -> "column " + c);
    }
}
