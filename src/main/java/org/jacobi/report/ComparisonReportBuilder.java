package org.jacobi.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.jacobi.compare.ComparisonResult;
import org.jacobi.compare.OutputDifference;
import org.jacobi.compare.RankChange;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ModelInfo;

/**
 * Turns a {@link ComparisonResult} into a {@link Report} the HTML and PDF writers render: the summary numbers,
 * both models, outputs side by side, heatmaps of A, B and A − B on one shared colour scale, both input
 * rankings with rank changes, and both singular-value spectra overlaid. The report's statistics and source
 * are model A's.
 */
public final class ComparisonReportBuilder {
    /** Per-sample figures when the options choose no samples. */
    static final int DEFAULT_SAMPLES = 4;
    /** Output elements listed per sample in the output table, at most. */
    static final int MAX_OUTPUT_ROWS = 20;

    private ComparisonReportBuilder() {
    }

    /** Builds the report; throws {@link org.jacobi.core.CancelledException} when the monitor is cancelled. */
    public static Report build(ComparisonResult r, ReportOptions options, ProgressMonitor monitor) {
        JacobianResult ja = r.jacobianA();
        if (ja.samples() == 0 || ja.inputsPerSample() == 0 || ja.outputsPerSample() == 0) {
            throw new JacobiException("The Jacobians are empty: there is nothing to compare. Give at least one sample.");
        }
        List<Integer> shown = options.samples() == null
            ? ReportBuilder.chooseSamples(ja.samples(), options).subList(0, Math.min(DEFAULT_SAMPLES, ja.samples()))
            : ReportBuilder.chooseSamples(ja.samples(), options);
        long total = 2L + shown.size();
        monitor.progress(0, total, "Hashing the model files");
        String shaA = ProvenanceSections.sha256(r.modelA().path());
        String shaB = ProvenanceSections.sha256(r.modelB().path());
        monitor.checkCancelled();
        String title = options.title() != null ? options.title()
            : "Comparison: " + r.modelA().fileName() + " vs " + r.modelB().fileName();
        List<Section> sections = new ArrayList<>();
        sections.add(summary(r));
        sections.add(models(r, shaA, shaB));
        sections.add(outputs(r, shown));
        monitor.progress(1, total, "Drawing the heatmaps");
        sections.add(jacobians(r, shown, options, monitor, total));
        sections.add(ranking(r, options));
        Map<Integer, double[]> spectraA = new LinkedHashMap<>();
        sections.add(spectra(r, shown, spectraA));
        monitor.progress(total, total, "Report ready");
        ReportSource source = ReportSource.of(r.modelA(), ja.device(), r.inputs(), ja);
        return new Report(title, Instant.now(), sections, SensitivityStatistics.of(ja), spectraA, shown, shaA, source);
    }

    private static Section summary(ComparisonResult r) {
        List<Block> b = new ArrayList<>();
        JacobianResult ja = r.jacobianA();
        b.add(new Block.Paragraph(String.format(Locale.ROOT, "Model A (%s) and model B (%s) were run and "
                + "differentiated at the same %d sample%s: d(%s)/d(%s) of A against d(%s)/d(%s) of B. Differences are "
                + "A − B, computed in double precision from the float32 values; relative differences are taken "
                + "against the largest magnitude of model A.",
            r.modelA().fileName(), r.modelB().fileName(), ja.samples(), ja.samples() == 1 ? "" : "s", ja.of(), ja.wrt(),
            r.jacobianB().of(), r.jacobianB().wrt())));
        List<List<String>> kv = new ArrayList<>();
        kv.add(List.of("max |y_A − y_B| (all shared outputs)", num(r.maxAbsOutputDifference())));
        kv.add(List.of("max |J_A − J_B|", num(r.maxAbsJacobianDifference())));
        kv.add(List.of("max |J_A − J_B| / max |J_A|", num(r.maxRelJacobianDifference())));
        kv.add(List.of("max |J_A|, max |J_B|", num(r.maxAbsJacobianA()) + ", " + num(r.maxAbsJacobianB())));
        long moved = r.ranking().stream().filter(c -> c.change() != 0).count();
        kv.add(List.of("Inputs whose rank changes", moved + " of " + r.ranking().size()));
        b.add(Block.Table.keyValues("Summary numbers", kv));
        b.add(new Block.Callout(verdict(r), false));
        for (String note : r.notes()) {
            b.add(new Block.Callout(note, false));
        }
        for (String w : r.warnings()) {
            b.add(new Block.Callout(w, true));
        }
        return new Section("summary", "Summary", b);
    }

    /** A plain reading of the relative Jacobian difference. */
    static String verdict(ComparisonResult r) {
        double rel = r.maxRelJacobianDifference();
        if (rel == 0 && r.maxAbsOutputDifference() == 0) {
            return "The two models compute the same outputs and Jacobians at these samples, bit for bit.";
        }
        if (rel < 1e-5) {
            return "The Jacobians agree to float32 rounding (relative difference below 1e-5): at these samples the "
                + "models compute the same function, as an export of a model should.";
        }
        if (rel < 1e-2) {
            return "The Jacobians differ by less than 1% of their largest entry: close, but more than float32 rounding "
                + "(expected of float16 or quantised copies, or of small weight changes).";
        }
        return "The Jacobians differ by " + String.format(Locale.ROOT, "%.3g", rel * 100) + "% of their largest entry: the "
            + "models respond differently to their inputs at these samples.";
    }

    private static Section models(ComparisonResult r, String shaA, String shaB) {
        ModelInfo a = r.modelA();
        ModelInfo b = r.modelB();
        JacobianResult ja = r.jacobianA();
        JacobianResult jb = r.jacobianB();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("File", a.fileName(), b.fileName()));
        rows.add(List.of("Format", a.format().displayName(), b.format().displayName()));
        rows.add(List.of("Size", String.format(Locale.ROOT, "%,d bytes", a.fileBytes()),
            String.format(Locale.ROOT, "%,d bytes", b.fileBytes())));
        rows.add(List.of("Parameters", params(a), params(b)));
        rows.add(List.of("SHA-256", shaA == null ? "unavailable" : shaA.substring(0, 16) + "…",
            shaB == null ? "unavailable" : shaB.substring(0, 16) + "…"));
        rows.add(List.of("Derivative", "d " + ja.of() + " / d " + ja.wrt(), "d " + jb.of() + " / d " + jb.wrt()));
        rows.add(List.of("Method", ja.methodLabel() + ", " + ja.backend(), jb.methodLabel() + ", " + jb.backend()));
        rows.add(List.of("Device", ja.device(), jb.device()));
        rows.add(List.of("Time", String.format(Locale.ROOT, "%.3f s", ja.seconds()),
            String.format(Locale.ROOT, "%.3f s", jb.seconds())));
        List<Block> blocks = new ArrayList<>();
        blocks.add(new Block.Table("", List.of("", "Model A", "Model B"), rows, new boolean[3]));
        List<List<String>> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : r.inputPairs().entrySet()) {
            pairs.add(List.of("input", e.getKey() + " " + a.input(e.getKey()).shapeText(), e.getValue()));
        }
        for (OutputDifference o : r.outputs()) {
            pairs.add(List.of("output", o.nameA(), o.nameB()));
        }
        blocks.add(new Block.Table("Paired inputs and outputs", List.of("", "Model A", "Model B"), pairs, new boolean[3]));
        return new Section("models", "Models", blocks);
    }

    private static String params(ModelInfo info) {
        return info.parameterCount() >= 0 ? String.format(Locale.ROOT, "%,d", info.parameterCount()) : "unknown";
    }

    private static Section outputs(ComparisonResult r, List<Integer> shown) {
        List<Block> b = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (OutputDifference o : r.outputs()) {
            rows.add(List.of(o.nameA() + (o.nameA().equals(o.nameB()) ? "" : " / " + o.nameB()),
                IndexLabels.shape(o.valueA().shape()), num(o.maxAbsA()), num(o.maxAbsDifference()),
                num(o.maxRelDifference())));
        }
        b.add(new Block.Table("Outputs at the same inputs", List.of("Output (A / B)", "Shape", "max |A|", "max |A − B|",
            "relative"), rows, new boolean[] {false, false, true, true, true}));
        OutputDifference y = r.differentiatedOutput();
        JacobianResult ja = r.jacobianA();
        int per = ja.outputsPerSample();
        List<List<String>> values = new ArrayList<>();
        for (int s : shown) {
            for (int i = 0; i < Math.min(per, MAX_OUTPUT_ROWS); i++) {
                int flat = s * per + i;
                double va = y.valueA().getDouble(flat);
                double vb = y.valueB().getDouble(flat);
                values.add(List.of(Integer.toString(s), r.outputLabel(i), num(va), num(vb), num(va - vb)));
            }
        }
        if (ja.batched() || y.valueA().size() == per) {
            b.add(new Block.Table(y.nameA() + " side by side" + (per > MAX_OUTPUT_ROWS ? " (the first " + MAX_OUTPUT_ROWS
                + " of " + per + " elements per sample)" : ""), List.of("Sample", "Element", "A", "B", "A − B"), values,
                new boolean[] {true, false, true, true, true}));
        }
        return new Section("outputs", "Outputs", b);
    }

    private static Section jacobians(ComparisonResult r, List<Integer> shown, ReportOptions options,
                                     ProgressMonitor monitor, long total) {
        JacobianResult ja = r.jacobianA();
        int nOut = ja.outputsPerSample();
        int nIn = ja.inputsPerSample();
        double vmax = r.sharedScale(false).max();
        List<Block> b = new ArrayList<>();
        b.add(new Block.Paragraph("Per sample, the Jacobian of model A, of model B and their difference A − B, all "
            + "three on one colour scale from " + Charts.fmt(-vmax) + " to +" + Charts.fmt(vmax) + " (blue negative, "
            + "white zero, red positive), so equal colours mean equal values. A difference at float32 rounding is "
            + "white. Rows are output elements of " + ja.of() + ", columns input elements of " + ja.wrt()
            + (ja.sampleInputShape().length > 1 ? " (flattened in row-major order)" : "") + "."));
        double[] diffPerOutput = r.maxAbsJacobianDifferencePerOutput();
        double[] aPerOutput = r.maxAbsJacobianPerOutputA();
        List<List<String>> rows = new ArrayList<>();
        int[] order = IntStream.range(0, nOut).boxed()
            .sorted((x, y) -> Double.compare(diffPerOutput[y], diffPerOutput[x])).limit(options.maxOutputsInTable())
            .mapToInt(Integer::intValue).toArray();
        for (int o : order) {
            rows.add(List.of(r.outputLabel(o), num(aPerOutput[o]), num(diffPerOutput[o]),
                num(aPerOutput[o] > 0 ? diffPerOutput[o] / aPerOutput[o] : diffPerOutput[o] == 0 ? 0 : Double.NaN)));
        }
        b.add(new Block.Table("Jacobian difference per output element, largest first" + (order.length < nOut
            ? " (" + order.length + " of " + nOut + ")" : ""), List.of("Output", "max |J_A|", "max |J_A − J_B|",
            "relative"), rows, new boolean[] {false, true, true, true}));
        List<String> rowLabels = r.outputLabels();
        List<String> colLabels = r.inputLabels();
        int step = 1;
        for (int s : shown) {
            String who = ja.batched() ? "sample " + s : "the input";
            monitor.progress(1 + step++, total, "Drawing the heatmaps of " + who);
            String rowAxis = "output element of " + ja.of();
            String colAxis = "input element of " + ja.wrt();
            double[][] matrices = {ja.sampleMatrix(s), r.jacobianB().sampleMatrix(s), r.differenceMatrix(s)};
            String[] names = {"A", "B", "A − B"};
            for (int k = 0; k < 3; k++) {
                PooledMatrix pooled = PooledMatrix.pool(matrices[k], nOut, nIn, options.heatmapMaxCells(), options.pooling());
                String what = names[k] + ", " + who;
                Charts.Png png = Charts.heatmap(pooled, what + " (max |value| = " + Charts.fmt(pooled.maxAbs()) + ")",
                    rowAxis, colAxis, rowLabels, colLabels, vmax);
                b.add(new Block.Figure(png.bytes(), "Heatmap of " + what, (k == 2 ? "Difference A − B" : "Jacobian of model "
                    + names[k]) + ", " + who + ", " + pooled.describe() + ", shared scale.", png.width(), png.height()));
            }
            monitor.checkCancelled();
        }
        return new Section("jacobians", "Jacobians of A, B and A − B", b);
    }

    private static Section ranking(ComparisonResult r, ReportOptions options) {
        List<Block> b = new ArrayList<>();
        int k = Math.min(options.topInputs(), r.ranking().size());
        b.add(new Block.Paragraph("Inputs ranked by mean |J| over the samples and output elements, in each model. "
            + "The change is rank in B minus rank in A: positive when B finds the input less influential. "
            + (k < r.ranking().size() ? "The " + k + " inputs A ranks highest are listed, then those that move most."
            : "All " + k + " inputs are listed.")));
        List<List<String>> rows = new ArrayList<>();
        for (RankChange c : r.ranking().subList(0, k)) {
            rows.add(row(c));
        }
        b.add(new Block.Table("Input ranking, A and B", List.of("Input", "Rank A", "Mean |J| A", "Rank B", "Mean |J| B",
            "Change"), rows, new boolean[] {false, true, true, true, true, true}));
        if (k < r.ranking().size()) {
            List<List<String>> moved = r.ranking().stream().filter(c -> c.change() != 0)
                .sorted((x, y) -> Integer.compare(Math.abs(y.change()), Math.abs(x.change()))).limit(k)
                .map(ComparisonReportBuilder::row).toList();
            b.add(new Block.Table("Largest rank changes", List.of("Input", "Rank A", "Mean |J| A", "Rank B", "Mean |J| B",
                "Change"), moved, new boolean[] {false, true, true, true, true, true}));
        }
        return new Section("ranking", "Input rankings", b);
    }

    private static List<String> row(RankChange c) {
        return List.of(c.label(), Integer.toString(c.rankA()), num(c.meanAbsA()), Integer.toString(c.rankB()),
            num(c.meanAbsB()), c.change() == 0 ? "=" : String.format(Locale.ROOT, "%+d", c.change()));
    }

    private static Section spectra(ComparisonResult r, List<Integer> shown, Map<Integer, double[]> spectraA) {
        List<Block> b = new ArrayList<>();
        JacobianResult ja = r.jacobianA();
        if (!r.singularValuesFeasible()) {
            b.add(new Block.Paragraph("Singular values were not computed: one sample's Jacobian has "
                + ja.outputsPerSample() + " x " + ja.inputsPerSample() + " entries, more than this report computes "
                + "an SVD for."));
            return new Section("spectra", "Singular values", b);
        }
        Map<Integer, double[]> spectraB = new LinkedHashMap<>();
        for (int s : shown) {
            if (finite(ja, s) && finite(r.jacobianB(), s)) {
                spectraA.put(s, r.singularValuesA(s));
                spectraB.put(s, r.singularValuesB(s));
            }
        }
        b.add(new Block.Paragraph("Singular values sigma_1 >= sigma_2 >= ... of each shown sample's Jacobian in both "
            + "models, overlaid (solid: A, dashed: B; one colour per sample). Matching spectra mean the models amplify "
            + "the same input directions equally; zero singular values are left out of the log-scale plot."));
        Charts.Png plot = Plots.spectraOverlay(spectraA, spectraB);
        b.add(new Block.Figure(plot.bytes(), "Singular values of A and B", "Singular values per sample, A and B, log "
            + "scale.", plot.width(), plot.height()));
        List<List<String>> rows = new ArrayList<>();
        for (int s : spectraA.keySet()) {
            double[] a = spectraA.get(s);
            double[] bb = spectraB.get(s);
            rows.add(List.of(Integer.toString(s), num(a[0]), num(bb[0]), num(cond(a)), num(cond(bb))));
        }
        b.add(new Block.Table("Largest singular value and condition number", List.of("Sample", "sigma_1 A", "sigma_1 B",
            "Condition A", "Condition B"), rows, new boolean[] {true, true, true, true, true}));
        return new Section("spectra", "Singular values", b);
    }

    private static double cond(double[] sv) {
        double min = sv[sv.length - 1];
        return min > 0 ? sv[0] / min : Double.POSITIVE_INFINITY;
    }

    private static boolean finite(JacobianResult j, int sample) {
        for (double v : j.sampleMatrix(sample)) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static String num(double v) {
        return Double.isInfinite(v) ? "infinite" : ReportBuilder.num(v);
    }
}
