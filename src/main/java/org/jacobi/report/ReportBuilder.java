package org.jacobi.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.analysis.SingularValues;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
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
        boolean target = source.target() != null;
        // a target's gradient has one singular value per target row: no spectrum worth a figure
        boolean svd = !target && SingularValues.feasible(jr);
        boolean image = SaliencyFigure.applies(jr.sampleInputShape());
        // the saliency map shows a target's gradient as the image it is; a heatmap of it would be a strip
        boolean heatmap = !(target && image);
        long total = 3L + shown.size() * ((heatmap ? 1L : 0) + (image ? 1 : 0) + (svd ? 1 : 0));
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
        sections.add(RankingSections.ranking(source, stats, options));
        sections.add(RankingSections.dgsm(source, stats, options));

        List<Block> sampleBlocks = new ArrayList<>();
        if (heatmap) {
            PooledMatrix first = PooledMatrix.pool(new double[jr.outputsPerSample() * jr.inputsPerSample()],
                jr.outputsPerSample(), jr.inputsPerSample(), options.heatmapMaxCells(), options.pooling());
            sampleBlocks.add(new Block.Paragraph("Each heatmap shows one sample's Jacobian dy/dx: row i is "
                + (target ? "target i" : "output element i of " + jr.of() + " " + IndexLabels.shape(jr.sampleOutputShape()))
                + ", column j is input element j of " + jr.wrt() + " " + IndexLabels.shape(jr.sampleInputShape())
                + (jr.sampleInputShape().length > 1 ? " (flattened in row-major order)" : "") + ". Colours "
                + "are diverging red-blue, symmetric around zero: blue negative, white zero, red positive (as in the app); "
                + "each heatmap has its own scale, given by its colour bar. Every heatmap here is " + first.describe() + "."));
        }
        if (image) {
            sampleBlocks.add(new Block.Paragraph("The input is image-shaped " + IndexLabels.shape(jr.sampleInputShape())
                + ", so each sample " + (heatmap ? "also " : "") + "gets a saliency map: per pixel, the L2 norm "
                + (target ? "of the gradient of " + source.target().describe() + " over the channels, sqrt(sum over c of "
                    + "(dt/dx_c,h,w)^2)." : "of the Jacobian over all outputs and channels, sqrt(sum over i, c of "
                    + "(dy_i/dx_c,h,w)^2).")));
        }
        Map<Integer, double[]> spectra = new LinkedHashMap<>();
        for (int s : shown) {
            String who = jr.batched() ? "sample " + s : "the input";
            if (heatmap) {
                monitor.progress(done[0], total, "Drawing the heatmap of " + who);
                PooledMatrix pooled = PooledMatrix.pool(jr.sampleMatrix(s), jr.outputsPerSample(), jr.inputsPerSample(),
                    options.heatmapMaxCells(), options.pooling());
                Charts.Png heat = Charts.heatmap(pooled, "Jacobian of " + who + " (max |J| = " + Charts.fmt(pooled.maxAbs())
                        + ")", target ? "target" : "output element of " + jr.of(), "input element of " + jr.wrt()
                        + (jr.sampleInputShape().length > 1 ? " (flattened)" : ""), target ? source.target().descriptions()
                        : source.outputLabels(), source.inputLabels());
                sampleBlocks.add(new Block.Figure(heat.bytes(), "Heatmap of the Jacobian of " + who,
                    "Jacobian of " + who + ", " + pooled.describe() + ".", heat.width(), heat.height()));
                step.run();
            }
            if (image) {
                monitor.progress(done[0], total, "Drawing the saliency map of " + who);
                sampleBlocks.add(SaliencyFigure.of(source, s, who));
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
        sections.add(new Section("samples", target ? "Per-sample gradients" : "Per-sample Jacobians", sampleBlocks));
        if (!target) {
            sections.add(spectraSection(jr, spectra, svd));
        }
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
        String over = RankingSections.over(source, stats);
        String what = source.target() != null ? "the gradient of " + source.target().describe() + " with respect to "
            + jr.wrt() : String.format(Locale.ROOT, "d(%s)/d(%s)", jr.of(), jr.wrt());
        b.add(new Block.Paragraph(String.format(Locale.ROOT,
            "This report analyses %s of %s at %d sample%s: %d %s by %d input element%s per sample, "
                + "computed by %s on %s in %.3f s. The most influential input element over the samples%s is %s "
                + "(mean |J| = %s). Per-sample figures are shown for %s.",
            what, source.model().fileName(), jr.samples(), jr.samples() == 1 ? "" : "s",
            stats.outputs(), source.target() != null ? (stats.outputs() == 1 ? "target" : "targets")
                : "output element" + (stats.outputs() == 1 ? "" : "s"), stats.inputs(), stats.inputs() == 1 ? "" : "s",
            (jr.exact() ? jr.mode().label() + "-mode automatic differentiation (exact; " : "finite differences "
                + "(approximate; ") + jr.backend() + ")", jr.device(), jr.seconds(), over.isEmpty() ? "" : " (" + over + ")",
            source.inputName(top), num(stats.meanAbs()[top]), shown.size() == jr.samples() ? "every sample" : "samples " + shown)));
        return new Section("summary", "Summary", b);
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
