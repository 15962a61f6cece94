package org.jacobi.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.jacobi.analysis.SingularValues;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;

/**
 * Turns a computed Jacobian into a {@link Report}: statistics, figures and the text around them. Reports
 * progress per figure and stops when cancelled. No JavaFX: the app calls it from a background task.
 */
public final class ReportBuilder {
    static final String LOCAL_STATEMENT = "Jacobians are local sensitivities: each one describes how the outputs "
        + "change for infinitesimally small changes of the input around one given sample. They say nothing "
        + "certain about large changes or about inputs far from these samples, and the rankings and measures "
        + "below are averages over the given samples only.";

    private ReportBuilder() {
    }

    /** Builds the report; throws {@link org.jacobi.core.CancelledException} when the monitor is cancelled. */
    public static Report build(ReportSource source, ReportOptions options, ProgressMonitor monitor) {
        return build(source, options, SecondOrder.NONE, monitor);
    }

    /** Builds the report with Interactions and Parameters sections from {@code secondOrder}. */
    public static Report build(ReportSource source, ReportOptions options, SecondOrder secondOrder, ProgressMonitor monitor) {
        JacobianResult jr = source.jacobian();
        if (jr.samples() == 0 || jr.inputsPerSample() == 0 || jr.outputsPerSample() == 0) {
            throw new JacobiException("The Jacobian is empty (" + jr.samples() + " samples, " + jr.outputsPerSample()
                + " outputs, " + jr.inputsPerSample() + " inputs per sample): there is nothing to report. Give at least "
                + "one sample.");
        }
        List<Integer> shown = chooseSamples(jr.samples(), options);
        boolean svd = SingularValues.feasible(jr);
        boolean image = isImage(jr.sampleInputShape());
        long total = 3L + shown.size() * (1L + (image ? 1 : 0) + (svd ? 1 : 0));
        long[] done = {0};
        Runnable step = () -> {
            monitor.checkCancelled();
            done[0]++;
        };
        monitor.progress(0, total, "Hashing the model file");
        String sha = ProvenanceSections.sha256(source.model().path());
        step.run();
        monitor.progress(done[0], total, "Computing sensitivity measures");
        SensitivityStatistics stats = SensitivityStatistics.of(jr);
        step.run();

        String title = options.title() != null ? options.title() : "Sensitivity report: " + source.model().fileName();
        Instant created = Instant.now();
        List<Section> sections = new ArrayList<>();
        sections.add(summary(source, stats, shown));
        sections.add(ProvenanceSections.model(source.model(), sha));
        sections.add(ProvenanceSections.environment(source, created));
        sections.add(ProvenanceSections.method(source, shown));
        sections.add(ranking(source, stats, options));
        sections.add(dgsm(source, stats, options));

        List<Block> sampleBlocks = new ArrayList<>();
        PooledMatrix first = PooledMatrix.pool(new double[jr.outputsPerSample() * jr.inputsPerSample()],
            jr.outputsPerSample(), jr.inputsPerSample(), options.heatmapMaxCells(), options.pooling());
        sampleBlocks.add(new Block.Paragraph("Each heatmap shows one sample's Jacobian dy/dx: row i is output element "
            + "i of " + jr.of() + " " + IndexLabels.shape(jr.sampleOutputShape()) + ", column j is input element j of "
            + jr.wrt() + " " + IndexLabels.shape(jr.sampleInputShape())
            + (jr.sampleInputShape().length > 1 ? " (flattened in row-major order)" : "") + ". Colours "
            + "are diverging red-blue, symmetric around zero: blue negative, white zero, red positive (as in the app); each heatmap "
            + "has its own scale, given by its colour bar. Every heatmap here is " + first.describe() + "."));
        if (image) {
            sampleBlocks.add(new Block.Paragraph("The input is image-shaped " + IndexLabels.shape(jr.sampleInputShape())
                + ", so each sample also gets a saliency map: per pixel, the L2 norm of the Jacobian over all outputs "
                + "and channels, sqrt(sum over i, c of (dy_i/dx_c,h,w)^2)."));
        }
        Map<Integer, double[]> spectra = new LinkedHashMap<>();
        for (int s : shown) {
            String who = jr.batched() ? "sample " + s : "the input";
            monitor.progress(done[0], total, "Drawing the heatmap of " + who);
            PooledMatrix pooled = PooledMatrix.pool(jr.sampleMatrix(s), jr.outputsPerSample(), jr.inputsPerSample(),
                options.heatmapMaxCells(), options.pooling());
            Charts.Png heat = Charts.heatmap(pooled, "Jacobian of " + who + " (max |J| = " + Charts.fmt(pooled.maxAbs())
                    + ")", "output element of " + jr.of(), "input element of " + jr.wrt() + (jr.sampleInputShape().length > 1
                    ? " (flattened)" : ""), source.outputLabels(), source.inputLabels());
            sampleBlocks.add(new Block.Figure(heat.bytes(), "Heatmap of the Jacobian of " + who,
                "Jacobian of " + who + ", " + pooled.describe() + ".", heat.width(), heat.height()));
            step.run();
            if (image) {
                monitor.progress(done[0], total, "Drawing the saliency map of " + who);
                sampleBlocks.add(saliency(source, s, who));
                step.run();
            }
            if (svd) {
                monitor.progress(done[0], total, "Singular values of " + who);
                if (finiteSample(jr, s)) { // an SVD of NaN says nothing
                    spectra.put(s, SingularValues.of(jr, s));
                }
                step.run();
            }
        }
        sections.add(new Section("samples", "Per-sample Jacobians", sampleBlocks));
        sections.add(spectraSection(jr, spectra, svd));
        if (!secondOrder.isEmpty()) {
            monitor.progress(done[0], total, "Interactions and parameter sensitivity");
            sections.addAll(SecondOrderSections.of(secondOrder, source, shown, options));
        }
        if (!source.traces().isEmpty()) {
            sections.add(OptimizationSection.of(source.traces()));
        }
        monitor.progress(total, total, "Report ready");
        return new Report(title, created, sections, stats, spectra, shown, sha, source);
    }

    // ---------------------------------------------------------------- sample choice

    static List<Integer> chooseSamples(int samples, ReportOptions options) {
        if (options.samples() == null) {
            List<Integer> all = new ArrayList<>();
            for (int s = 0; s < Math.min(samples, options.maxSampleFigures()); s++) {
                all.add(s);
            }
            return all;
        }
        if (options.samples().isEmpty()) {
            throw JacobiException.usage("No samples chosen. Give sample indices such as --samples 0,3,5.");
        }
        List<Integer> out = new ArrayList<>();
        for (int s : options.samples()) {
            if (s < 0 || s >= samples) {
                throw JacobiException.usage("Sample " + s + " does not exist: the input has " + samples + " sample"
                    + (samples == 1 ? " (index 0)." : "s (indices 0 to " + (samples - 1) + ")."));
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean finiteSample(JacobianResult jr, int sample) {
        for (double v : jr.sampleMatrix(sample)) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static boolean isImage(long[] shape) {
        return shape.length == 3 && shape[0] >= 1 && shape[0] <= 4 && shape[1] >= 4 && shape[2] >= 4;
    }

    // ---------------------------------------------------------------- sections

    private static Section summary(ReportSource source, SensitivityStatistics stats, List<Integer> shown) {
        JacobianResult jr = source.jacobian();
        List<Block> b = new ArrayList<>();
        b.add(new Block.Callout(LOCAL_STATEMENT, false));
        for (String w : jr.warnings()) {
            b.add(new Block.Callout(w, true));
        }
        int bad = jr.jacobian().indexOfNonFinite();
        if (bad >= 0) {
            b.add(new Block.Callout("The Jacobian contains NaN or infinite values (the first at flat index " + bad
                + "): the model's output is not differentiable or overflows at some samples. Those entries are grey in "
                + "the heatmaps, and the measures below that include them are NaN.", true));
        }
        if (!jr.exact()) {
            b.add(new Block.Callout("This Jacobian was computed by finite differences: it is an approximation, "
                + "not an exact derivative.", true));
        }
        int top = stats.ranking()[0];
        b.add(new Block.Paragraph(String.format(Locale.ROOT,
            "This report analyses d(%s)/d(%s) of %s at %d sample%s: %d output element%s by %d input element%s per sample, "
                + "computed by %s on %s in %.3f s. The most influential input element over the samples is %s "
                + "(mean |J| = %s). Per-sample figures are shown for %s.",
            jr.of(), jr.wrt(), source.model().fileName(), jr.samples(), jr.samples() == 1 ? "" : "s",
            stats.outputs(), stats.outputs() == 1 ? "" : "s", stats.inputs(), stats.inputs() == 1 ? "" : "s",
            (jr.exact() ? jr.mode().label() + "-mode automatic differentiation (exact; " : "finite differences "
                + "(approximate; ") + jr.backend() + ")", jr.device(), jr.seconds(), source.inputName(top), num(stats.meanAbs()[top]),
            shown.size() == jr.samples() ? "every sample" : "samples " + shown)));
        return new Section("summary", "Summary", b);
    }

    private static Section ranking(ReportSource source, SensitivityStatistics stats, ReportOptions options) {
        JacobianResult jr = source.jacobian();
        int k = Math.min(options.topInputs(), stats.inputs());
        List<String> labels = new ArrayList<>();
        double[] values = new double[k];
        double totalAbs = 0;
        for (double v : stats.meanAbs()) {
            totalAbs += v;
        }
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            int j = stats.ranking()[r];
            labels.add(source.inputName(j));
            values[r] = stats.meanAbs()[j];
            rows.add(List.of(Integer.toString(r + 1), source.inputName(j), num(stats.meanAbs()[j]),
                String.format(Locale.ROOT, "%.1f %%", totalAbs > 0 ? 100 * stats.meanAbs()[j] / totalAbs : 0),
                num(stats.dgsmOverall()[j])));
        }
        List<Block> b = new ArrayList<>();
        b.add(new Block.Paragraph(String.format(Locale.ROOT, "Inputs ranked by mean |J| = mean over the %d sample%s "
                + "and the %d output element%s of |dy_i/dx_j|. %s",
            stats.samples(), stats.samples() == 1 ? "" : "s", stats.outputs(), stats.outputs() == 1 ? "" : "s",
            k < stats.inputs() ? "The " + k + " highest of " + stats.inputs() + " inputs are shown; the data ZIP "
                + "holds all of them." : "All " + stats.inputs() + " inputs are shown.")));
        Charts.Png bars = Plots.barChart(labels, values, "Input ranking: mean |dy/dx|", "mean |J| over samples and outputs");
        b.add(new Block.Figure(bars.bytes(), "Bar chart of the input ranking", "Top " + k + " inputs by mean |J|.",
            bars.width(), bars.height()));
        b.add(new Block.Table("Input ranking", List.of("Rank", "Input", "Mean |J|", "Share", "DGSM (all outputs)"),
            rows, new boolean[] {true, false, true, true, true}));
        return new Section("ranking", "Input ranking", b);
    }

    private static Section dgsm(ReportSource source, SensitivityStatistics stats, ReportOptions options) {
        JacobianResult jr = source.jacobian();
        List<Block> b = new ArrayList<>();
        b.add(new Block.Paragraph("Derivative-based global sensitivity measures (DGSM): nu_ij = mean over the samples "
            + "of (dy_i/dx_j)^2, for output i and input j. The overall measure of input j sums over the outputs: "
            + "nu_j = sum over i of nu_ij, the mean squared norm of column j of the Jacobian. They are global only "
            + "over the given samples; with samples drawn from the input distribution they estimate the usual DGSM."));
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
            row.add(num(stats.outputTotal(i)));
            int[] order = stats.rankingForOutput(i);
            for (int t = 0; t < topPerOutput; t++) {
                row.add(source.inputName(order[t]) + " (" + num(stats.dgsm()[i][order[t]]) + ")");
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
            overall.add(List.of(Integer.toString(r + 1), source.inputName(order[r]), num(stats.dgsmOverall()[order[r]])));
        }
        b.add(new Block.Table("Overall DGSM, all outputs" + (k < stats.inputs() ? " (top " + k + " of " + stats.inputs()
            + " inputs)" : ""), List.of("Rank", "Input", "nu_j"), overall, new boolean[] {true, false, true}));
        return new Section("dgsm", "Global sensitivity measures", b);
    }

    private static Block saliency(ReportSource source, int sample, String who) {
        JacobianResult jr = source.jacobian();
        long[] shape = jr.sampleInputShape();
        int c = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        int nIn = jr.inputsPerSample();
        int nOut = jr.outputsPerSample();
        float[] j = jr.jacobian().floats();
        double[] sal = new double[h * w];
        int base = sample * nOut * nIn;
        for (int i = 0; i < nOut; i++) {
            for (int ch = 0; ch < c; ch++) {
                int off = base + i * nIn + ch * h * w;
                for (int p = 0; p < h * w; p++) {
                    double v = j[off + p];
                    sal[p] += v * v;
                }
            }
        }
        for (int p = 0; p < sal.length; p++) {
            sal[p] = Math.sqrt(sal[p]);
        }
        double[] image = new double[nIn];
        Tensor x = source.wrtValue();
        if (x != null && x.size() >= (long) (sample + 1) * nIn) {
            double[] all = x.toDoubleArray();
            System.arraycopy(all, sample * nIn, image, 0, nIn);
        }
        Charts.Png png = Charts.saliency(image, c, h, w, sal, "Saliency of " + who);
        return new Block.Figure(png.bytes(), "Input image and saliency map of " + who, "Left: " + who
            + " as an image; right: per-pixel L2 norm of dy/dx over all " + nOut + " outputs and " + c + " channel"
            + (c == 1 ? "" : "s") + ", on a light-to-dark scale from 0 to its maximum.", png.width(), png.height());
    }

    private static Section spectraSection(JacobianResult jr, Map<Integer, double[]> spectra, boolean feasible) {
        List<Block> b = new ArrayList<>();
        if (!feasible) {
            b.add(new Block.Paragraph("Singular values were not computed: one sample's Jacobian has "
                + jr.outputsPerSample() + " x " + jr.inputsPerSample() + " entries, more than this report computes "
                + "an SVD for."));
            return new Section("spectra", "Singular-value spectra", b);
        }
        b.add(new Block.Paragraph("Singular values sigma_1 >= sigma_2 >= ... of each shown sample's Jacobian "
            + "(an [" + jr.outputsPerSample() + " x " + jr.inputsPerSample() + "] matrix; EJML SVD in double "
            + "precision). sigma_1 is the largest gain from an input perturbation to the output; the condition number "
            + "sigma_1 / sigma_min says how unevenly the input directions are amplified, and the numerical rank counts "
            + "the singular values above 1e-6 sigma_1. Zero singular values "
            + "cannot be drawn on the log scale and are left out of the plot."));
        Charts.Png plot = Plots.spectra(spectra);
        b.add(new Block.Figure(plot.bytes(), "Singular-value spectra", "Singular values per sample, log scale.",
            plot.width(), plot.height()));
        int shownValues = Math.min(5, Math.min(jr.outputsPerSample(), jr.inputsPerSample()));
        List<String> header = new ArrayList<>(List.of("Sample", "Condition number", "Numerical rank"));
        for (int i = 0; i < shownValues; i++) {
            header.add("sigma_" + (i + 1));
        }
        boolean[] numeric = new boolean[header.size()];
        Arrays.fill(numeric, true);
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<Integer, double[]> e : spectra.entrySet()) {
            double[] sv = e.getValue();
            int rank = 0;
            for (double v : sv) {
                if (v > sv[0] * 1e-6) {
                    rank++;
                }
            }
            double min = sv[sv.length - 1];
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(e.getKey()));
            row.add(min > 0 ? num(sv[0] / min) : "infinite");
            row.add(Integer.toString(rank));
            for (int i = 0; i < shownValues; i++) {
                row.add(num(sv[i]));
            }
            rows.add(row);
        }
        b.add(new Block.Table("Largest singular values (all of them are in the data ZIP)", header, rows, numeric));
        return new Section("spectra", "Singular-value spectra", b);
    }

    // ---------------------------------------------------------------- helpers

    /** Numbers in tables: six significant digits, so that readers (and tests) can check them. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
