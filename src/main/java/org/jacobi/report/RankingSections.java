package org.jacobi.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The report's input ranking and its global measures. The ranking is of the target when the report has one, else an
 * average over every output element, and it says which; the global measures need several samples and are left out,
 * with the reason, for one.
 */
final class RankingSections {
    /** DGSM average over samples drawn from the input distribution: below this many they are left out. */
    static final int MIN_GLOBAL_SAMPLES = 2;

    private RankingSections() {
    }

    static boolean global(SensitivityStatistics stats) {
        return stats.samples() >= MIN_GLOBAL_SAMPLES;
    }

    /** "for the target", "averaged over all 512 output elements of scores", or "" for a single output element. */
    static String over(ReportSource source, SensitivityStatistics stats) {
        if (source.target() != null) {
            return "for the target";
        }
        return stats.outputs() == 1 ? "" : "averaged over all " + stats.outputs() + " output elements of " + source.jacobian().of();
    }

    static Section ranking(ReportSource source, SensitivityStatistics stats, ReportOptions options) {
        int k = Math.min(options.topInputs(), stats.inputs());
        boolean global = global(stats);
        List<String> labels = new ArrayList<>();
        double[] values = new double[k];
        double totalAbs = 0;
        for (double v : stats.meanAbs()) {
            totalAbs += v;
        }
        double together = 0;
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            int j = stats.ranking()[r];
            labels.add(source.inputName(j));
            values[r] = stats.meanAbs()[j];
            double share = totalAbs > 0 ? stats.meanAbs()[j] / totalAbs : 0;
            together += share;
            List<String> row = new ArrayList<>(List.of(Integer.toString(r + 1), source.inputName(j),
                ReportBuilder.num(stats.meanAbs()[j]), percent(share)));
            if (global) {
                row.add(ReportBuilder.num(stats.dgsmOverall()[j]));
            }
            rows.add(row);
        }
        String samples = stats.samples() + " sample" + (stats.samples() == 1 ? "" : "s");
        String what = source.target() != null
            ? "mean over the " + samples + " of |dt/dx_j|, where t is " + source.target().describe()
            : "mean over the " + samples + " and the " + stats.outputs() + " output element" + (stats.outputs() == 1 ? "" : "s")
                + " of |dy_i/dx_j|" + (stats.outputs() > 1 ? ": an average over every element of " + source.jacobian().of()
                + ", in which an input that matters to a few elements only ranks low. A report for one element or a region "
                + "(jacobi report --target '" + source.jacobian().of() + "[i]') ranks the inputs for it instead" : "");
        List<Block> b = new ArrayList<>();
        b.add(new Block.Paragraph(String.format(Locale.ROOT, "Inputs ranked by mean |J| = %s. %s Share is the input's part "
                + "of the sum of mean |J| over all %d inputs: spread evenly, each would hold %s%s.", what,
            k < stats.inputs() ? "The " + k + " highest of " + stats.inputs() + " inputs are shown; the data ZIP "
                + "holds all of them." : "All " + stats.inputs() + " inputs are shown.", stats.inputs(), percent(1.0 / stats.inputs()),
            k < stats.inputs() ? ", and the " + k + " shown hold " + percent(together) + " together" : "")));
        Charts.Png bars = Plots.barChart(labels, values, "Input ranking: mean |" + (source.target() != null ? "dt" : "dy")
            + "/dx|", source.target() != null ? "mean |J| of the target over samples" : "mean |J| over samples and outputs");
        b.add(new Block.Figure(bars.bytes(), "Bar chart of the input ranking", "Top " + k + " inputs by mean |J|.",
            bars.width(), bars.height()));
        List<String> header = new ArrayList<>(List.of("Rank", "Input", "Mean |J|", "Share"));
        if (global) {
            header.add(source.target() != null ? "DGSM" : "DGSM (all outputs)");
        }
        boolean[] numeric = new boolean[header.size()];
        Arrays.fill(numeric, true);
        numeric[1] = false;
        b.add(new Block.Table("Input ranking", header, rows, numeric));
        return new Section("ranking", "Input ranking", b);
    }

    static Section dgsm(ReportSource source, SensitivityStatistics stats, ReportOptions options) {
        List<Block> b = new ArrayList<>();
        if (!global(stats)) {
            b.add(new Block.Callout("Left out: derivative-based global sensitivity measures average (dy/dx)^2 over many "
                + "samples drawn as the inputs vary in use, and this report has " + stats.samples() + " sample. One sample's "
                + "derivatives are local, and the input ranking above shows them. For global measures give several samples "
                + "(several photos, or a tensor file with a batch of inputs), or run a global sensitivity study (jacobi gsa, or "
                + "the app's global study) and add it with --gsa-study.", false));
            return new Section("dgsm", "Global sensitivity measures", b);
        }
        b.add(new Block.Paragraph("Derivative-based global sensitivity measures (DGSM): nu_ij = mean over the "
            + stats.samples() + " samples of (dy_i/dx_j)^2, for output i and input j. The overall measure of input j sums over "
            + "the outputs: nu_j = sum over i of nu_ij, the mean squared norm of column j of the Jacobian. They are global only "
            + "over the given samples; with samples drawn from the input distribution they estimate the usual DGSM"
            + (stats.samples() < 10 ? ", and " + stats.samples() + " samples give a rough estimate only." : ".")));
        int topPerOutput = Math.min(3, stats.inputs());
        List<String> header = new ArrayList<>(List.of("Output", "Sum over inputs"));
        for (int t = 0; t < topPerOutput; t++) {
            header.add("#" + (t + 1) + " input (nu)");
        }
        boolean[] numeric = new boolean[header.size()];
        numeric[1] = true;
        List<List<String>> rows = new ArrayList<>();
        int shownOutputs = Math.min(options.maxOutputsInTable(), stats.outputs());
        // when not all outputs fit, the most sensitive ones are the interesting ones; listed in index order
        int[] outputs = IntStream.range(0, stats.outputs()).boxed()
            .sorted((x, y) -> Double.compare(stats.outputTotal(y), stats.outputTotal(x))).limit(shownOutputs)
            .sorted().mapToInt(Integer::intValue).toArray();
        for (int i : outputs) {
            List<String> row = new ArrayList<>();
            row.add(source.outputName(i));
            row.add(ReportBuilder.num(stats.outputTotal(i)));
            int[] order = stats.rankingForOutput(i);
            for (int t = 0; t < topPerOutput; t++) {
                row.add(source.inputName(order[t]) + " (" + ReportBuilder.num(stats.dgsm()[i][order[t]]) + ")");
            }
            rows.add(row);
        }
        b.add(new Block.Table("DGSM per output" + (shownOutputs < stats.outputs()
            ? " (the " + shownOutputs + " of " + stats.outputs() + " outputs with the largest sums; all are in the data ZIP)" : ""),
            header, rows, numeric));
        List<List<String>> overall = new ArrayList<>();
        int k = Math.min(options.topInputs(), stats.inputs());
        int[] order = IntStream.range(0, stats.inputs()).boxed()
            .sorted((x, y) -> Double.compare(stats.dgsmOverall()[y], stats.dgsmOverall()[x]))
            .mapToInt(Integer::intValue).toArray();
        for (int r = 0; r < k; r++) {
            overall.add(List.of(Integer.toString(r + 1), source.inputName(order[r]), ReportBuilder.num(stats.dgsmOverall()[order[r]])));
        }
        b.add(new Block.Table("Overall DGSM, " + (source.target() != null ? "the target" : "all outputs")
            + (k < stats.inputs() ? " (top " + k + " of " + stats.inputs() + " inputs)" : ""), List.of("Rank", "Input", "nu_j"),
            overall, new boolean[] {true, false, true}));
        return new Section("dgsm", "Global sensitivity measures", b);
    }

    /**
     * A fraction as a percentage with three significant digits, so that the small shares of inputs with many elements
     * (0.0512 % of 49,152 pixels) show instead of rounding to 0.0 %.
     */
    static String percent(double fraction) {
        double p = 100 * fraction;
        if (p == 0 || !Double.isFinite(p)) {
            return Double.isNaN(p) ? "-" : "0 %";
        }
        return (p >= 10 ? String.format(Locale.ROOT, "%.1f", p) : String.format(Locale.ROOT, "%.3g", p)) + " %";
    }
}
