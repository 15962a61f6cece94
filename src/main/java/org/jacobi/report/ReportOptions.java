package org.jacobi.report;

import java.util.List;

/**
 * What a report shows.
 *
 * @param title the report's title; null for "Sensitivity report: MODEL"
 * @param samples the samples that get their own heatmap, saliency image and spectrum; null for all
 *     (up to {@link #maxSampleFigures}); statistics always use every sample
 * @param maxSampleFigures cap on per-sample figures when {@code samples} is null
 * @param heatmapMaxCells the largest number of rows and of columns a heatmap shows; bigger Jacobians are
 *     pooled in blocks and the factor is stated
 * @param pooling how blocks are pooled
 * @param topInputs how many inputs the ranking table and bar chart list
 * @param maxOutputsInTable how many outputs the per-output sensitivity table lists
 */
public record ReportOptions(String title, List<Integer> samples, int maxSampleFigures, int heatmapMaxCells,
                            Pooling pooling, int topInputs, int maxOutputsInTable) {

    /** How a block of Jacobian entries becomes one heatmap cell. */
    public enum Pooling {
        /** The mean of the block: keeps the sign balance, blurs isolated peaks. */
        BLOCK_MEAN("block mean"),
        /** The entry of largest magnitude, with its sign: keeps peaks visible. */
        MAX_ABS("signed max |J|");

        private final String label;

        Pooling(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public ReportOptions {
        samples = samples == null ? null : List.copyOf(samples);
        if (maxSampleFigures < 1 || heatmapMaxCells < 2 || topInputs < 1 || maxOutputsInTable < 1) {
            throw new IllegalArgumentException("report limits must be positive");
        }
    }

    public static ReportOptions defaults() {
        return new ReportOptions(null, null, 16, 160, Pooling.MAX_ABS, 20, 20);
    }

    public ReportOptions withSamples(List<Integer> chosen) {
        return new ReportOptions(title, chosen, maxSampleFigures, heatmapMaxCells, pooling, topInputs, maxOutputsInTable);
    }

    public ReportOptions withTitle(String newTitle) {
        return new ReportOptions(newTitle, samples, maxSampleFigures, heatmapMaxCells, pooling, topInputs, maxOutputsInTable);
    }

    public ReportOptions withPooling(Pooling newPooling) {
        return new ReportOptions(title, samples, maxSampleFigures, heatmapMaxCells, newPooling, topInputs, maxOutputsInTable);
    }

    public ReportOptions withHeatmapMaxCells(int cells) {
        return new ReportOptions(title, samples, maxSampleFigures, cells, pooling, topInputs, maxOutputsInTable);
    }
}
