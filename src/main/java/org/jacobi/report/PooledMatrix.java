package org.jacobi.report;

/**
 * A matrix shrunk by pooling blocks of {@code rowFactor x colFactor} entries into one, so that a heatmap
 * stays legible; the factors are stated next to every pooled figure.
 *
 * @param values row-major {@code rows x cols}
 * @param sourceRows rows before pooling
 * @param sourceCols columns before pooling
 */
public record PooledMatrix(double[] values, int rows, int cols, int rowFactor, int colFactor, int sourceRows,
                           int sourceCols, ReportOptions.Pooling pooling) {

    public boolean isPooled() {
        return rowFactor > 1 || colFactor > 1;
    }

    public double get(int r, int c) {
        return values[r * cols + c];
    }

    /** The largest finite |value|, 0 for an all-zero matrix (non-finite values are drawn grey). */
    public double maxAbs() {
        double m = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /** Pools a row-major {@code rows x cols} matrix so that neither side exceeds {@code maxCells}. */
    public static PooledMatrix pool(double[] matrix, int rows, int cols, int maxCells, ReportOptions.Pooling pooling) {
        int fr = (rows + maxCells - 1) / maxCells;
        int fc = (cols + maxCells - 1) / maxCells;
        int outRows = (rows + fr - 1) / fr;
        int outCols = (cols + fc - 1) / fc;
        double[] out = new double[outRows * outCols];
        for (int r = 0; r < outRows; r++) {
            int r1 = Math.min(rows, (r + 1) * fr);
            for (int c = 0; c < outCols; c++) {
                int c1 = Math.min(cols, (c + 1) * fc);
                double sum = 0;
                double best = 0;
                int n = 0;
                for (int i = r * fr; i < r1; i++) {
                    for (int k = c * fc; k < c1; k++) {
                        double v = matrix[i * cols + k];
                        sum += v;
                        if (Math.abs(v) > Math.abs(best)) {
                            best = v;
                        }
                        n++;
                    }
                }
                out[r * outCols + c] = pooling == ReportOptions.Pooling.BLOCK_MEAN ? sum / n : best;
            }
        }
        return new PooledMatrix(out, outRows, outCols, fr, fc, rows, cols, pooling);
    }

    /** "not downsampled" or "downsampled 1 x 5 (signed max |J| over blocks of 1 output x 5 inputs)". */
    public String describe() {
        if (!isPooled()) {
            return "shown at full resolution (" + sourceRows + " x " + sourceCols + ", one cell per entry)";
        }
        return "downsampled from " + sourceRows + " x " + sourceCols + " to " + rows + " x " + cols
            + " by " + pooling.label() + " over blocks of " + rowFactor + " output" + (rowFactor > 1 ? "s" : "")
            + " x " + colFactor + " input" + (colFactor > 1 ? "s" : "") + " (factor " + rowFactor + " x " + colFactor + ")";
    }
}
