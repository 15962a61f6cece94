package org.jacobi.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.gsa.GsaMethod;
import org.jacobi.gsa.GsaResult;
import org.jacobi.gsa.IndexSet;
import org.jacobi.gsa.StudyPlan;

/**
 * The report section of a global sensitivity study: what was varied and how, the Sobol' indices with their
 * intervals (a table for the most variable output, the outputs x inputs heatmap of S_T, S_T against the output
 * element, the convergence as N doubles), DGSM with its bound, and Morris screening.
 */
public final class GsaReportSection {
    public static final String ID = "global";
    private static final int MAX_TABLE_ROWS = 40;

    private GsaReportSection() {
    }

    /** The report with the study's section added at the end. */
    public static Report addTo(Report report, GsaResult result) {
        List<Section> sections = new ArrayList<>(report.sections());
        sections.add(section(result));
        return new Report(report.title(), report.created(), sections, report.statistics(), report.singularValues(),
            report.shownSamples(), report.modelSha256(), report.source());
    }

    public static Section section(GsaResult r) {
        StudyPlan plan = r.plan();
        List<Block> b = new ArrayList<>();
        b.add(new Block.Callout("Unlike the Jacobians above, these measures are global: they average over the whole "
            + "distribution given for each input element, not over the given samples. They are only as meaningful as "
            + "those distributions.", false));
        for (String w : r.warnings()) {
            b.add(new Block.Callout(w, true));
        }
        b.add(new Block.Paragraph(String.format(Locale.ROOT, "The study varies %d element%s of %s and watches %d "
                + "element%s of %s: %s, N = %d base samples from a %s design (seed %d), %d model runs%s, %.2f s on %s.",
            plan.variedCount(), plan.variedCount() == 1 ? "" : "s", plan.wrt(), plan.outputs(),
            plan.outputs() == 1 ? "" : "s", plan.of(), String.join(", ", r.convergence().keySet().stream()
                .map(GsaMethod::label).toList()), plan.study().samples(), plan.study().design().label(),
            plan.study().seed(), r.modelRuns(), r.jacobianRows() > 0 ? " and " + r.jacobianRows() + " exact Jacobians ("
                + r.engine() + ")" : "", r.seconds(), r.device())));
        List<List<String>> dists = new ArrayList<>();
        for (int k = 0; k < plan.variedCount() && k < MAX_TABLE_ROWS; k++) {
            dists.add(List.of(plan.inputLabels().get(k), plan.distribution(plan.variedElement(k)).spec()));
        }
        b.add(new Block.Table("Distributions of the varied elements" + more(plan.variedCount()),
            List.of("element", "distribution"), dists, new boolean[2]));
        int focus = focusOutput(r);
        if (r.has(GsaMethod.SOBOL)) {
            sobol(r, focus, b);
        }
        if (r.has(GsaMethod.DGSM)) {
            dgsm(r, focus, b);
        }
        if (r.has(GsaMethod.MORRIS)) {
            morris(r, focus, b);
        }
        return new Section(ID, "Global sensitivity study", b);
    }

    /** The output with the largest variance: its table is the one worth reading first. */
    static int focusOutput(GsaResult r) {
        IndexSet s = r.has(GsaMethod.SOBOL) ? r.indices(GsaMethod.SOBOL)
            : r.has(GsaMethod.DGSM) ? r.indices(GsaMethod.DGSM) : null;
        if (s == null) {
            return 0;
        }
        double[][] v = s.get("variance");
        int best = 0;
        for (int o = 1; o < v.length; o++) {
            if (v[o][0] > v[best][0]) {
                best = o;
            }
        }
        return best;
    }

    private static void sobol(GsaResult r, int focus, List<Block> b) {
        IndexSet s = r.indices(GsaMethod.SOBOL);
        List<String> inputs = r.inputs();
        b.add(new Block.Paragraph("Sobol' indices: S1 is the share of the output's variance an element explains alone "
            + "(Saltelli et al. 2010), ST adds all its interactions (Jansen 1999). ST - S1 large means the element acts "
            + "through interactions; an ST near 0 means the element can be fixed. Intervals are 95 % Poisson-bootstrap "
            + "intervals with " + r.plan().study().bootstrap() + " replicates."));
        List<List<String>> rows = new ArrayList<>();
        for (int j = 0; j < inputs.size() && j < MAX_TABLE_ROWS; j++) {
            rows.add(List.of(inputs.get(j), pm(s.get("S1")[focus][j], s.get("S1_conf")[focus][j]),
                pm(s.get("ST")[focus][j], s.get("ST_conf")[focus][j])));
        }
        b.add(new Block.Table("Sobol' indices of " + output(r, focus) + more(inputs.size()),
            List.of("element", "S1 (95 % interval)", "ST (95 % interval)"), rows, new boolean[] {false, true, true}));
        if (r.outputs().size() > 1) {
            b.add(heatmap(r, s.get("ST"), "Total Sobol' indices ST"));
            b.add(againstOutput(r, s.get("ST"), "ST"));
        }
        b.add(convergence(r, GsaMethod.SOBOL, "ST", focus));
    }

    private static void dgsm(GsaResult r, int focus, List<Block> b) {
        IndexSet g = r.indices(GsaMethod.DGSM);
        boolean sobol = r.has(GsaMethod.SOBOL);
        b.add(new Block.Paragraph("DGSM: nu = E[(dy/dx)^2] from exact Jacobians at N design points, and the bound "
            + "S_T <= C nu / D of Sobol' and Kucherenko (2009), with C the Poincare constant of the element's "
            + "distribution ((b - a)^2 / pi^2 for uniform, sigma^2 for normal) and D the output variance."));
        List<List<String>> rows = new ArrayList<>();
        for (int j = 0; j < r.inputs().size() && j < MAX_TABLE_ROWS; j++) {
            List<String> row = new ArrayList<>(List.of(r.inputs().get(j), pm(g.get("nu")[focus][j],
                g.get("nu_conf")[focus][j]), Charts.fmt(g.get("sobol_total_bound")[focus][j])));
            if (sobol) {
                row.add(Charts.fmt(r.indices(GsaMethod.SOBOL).get("ST")[focus][j]));
            }
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("element", "nu (95 % interval)", "bound on ST"));
        if (sobol) {
            header.add("ST (Sobol')");
        }
        boolean[] numeric = new boolean[header.size()];
        Arrays.fill(numeric, 1, numeric.length, true);
        b.add(new Block.Table("DGSM of " + output(r, focus) + more(r.inputs().size()), header, rows, numeric));
        if (r.outputs().size() > 1 && !sobol) {
            b.add(heatmap(r, g.get("sobol_total_bound"), "DGSM bound on ST"));
        }
    }

    private static void morris(GsaResult r, int focus, List<Block> b) {
        IndexSet m = r.indices(GsaMethod.MORRIS);
        b.add(new Block.Paragraph("Morris screening on " + r.plan().study().morrisTrajectories() + " trajectories: "
            + "mu* (mean absolute elementary effect, in quantile units) ranks the elements; sigma large against mu* "
            + "signals nonlinearity or interactions."));
        List<List<String>> rows = new ArrayList<>();
        for (int j = 0; j < r.inputs().size() && j < MAX_TABLE_ROWS; j++) {
            rows.add(List.of(r.inputs().get(j), Charts.fmt(m.get("mu_star")[focus][j]), Charts.fmt(m.get("mu")[focus][j]),
                Charts.fmt(m.get("sigma")[focus][j])));
        }
        b.add(new Block.Table("Morris elementary effects on " + output(r, focus) + more(r.inputs().size()),
            List.of("element", "mu*", "mu", "sigma"), rows, new boolean[] {false, true, true, true}));
    }

    private static Block heatmap(GsaResult r, double[][] values, String what) {
        int outs = values.length;
        int ins = values[0].length;
        double[] flat = new double[outs * ins];
        for (int o = 0; o < outs; o++) {
            for (int j = 0; j < ins; j++) {
                flat[o * ins + j] = Double.isFinite(values[o][j]) ? values[o][j] : Double.NaN;
            }
        }
        PooledMatrix pooled = PooledMatrix.pool(flat, outs, ins, ReportOptions.defaults().heatmapMaxCells(),
            ReportOptions.Pooling.MAX_ABS);
        Charts.Png png = Charts.heatmap(pooled, what + " (outputs x inputs)", "output element of " + r.plan().of(),
            "input element of " + r.plan().wrt(), r.outputs(), r.inputs());
        return new Block.Figure(png.bytes(), "Heatmap of " + what, what + " for every output and input element, "
            + pooled.describe() + ".", png.width(), png.height());
    }

    private static Block againstOutput(GsaResult r, double[][] values, String name) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (int j : strongest(values, 8)) {
            double[][] xy = new double[2][values.length];
            for (int o = 0; o < values.length; o++) {
                xy[0][o] = o;
                xy[1][o] = values[o][j];
            }
            series.put(r.inputs().get(j), xy);
        }
        Charts.Png png = Plots.linePlot(series, name + " against the output element", "output element of "
            + r.plan().of() + " (index)", name, false);
        return new Block.Figure(png.bytes(), name + " against the output element", name + " of the most influential "
            + "input elements along the output (outputs that are series, such as values over time, read best this way).",
            png.width(), png.height());
    }

    private static Block convergence(GsaResult r, GsaMethod method, String name, int focus) {
        List<IndexSet> steps = r.convergence().get(method);
        double[][] last = steps.get(steps.size() - 1).get(name);
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (int j : strongest(last, 8)) {
            double[][] xy = new double[2][steps.size()];
            for (int k = 0; k < steps.size(); k++) {
                xy[0][k] = Math.log(steps.get(k).baseRows()) / Math.log(2);
                xy[1][k] = steps.get(k).get(name)[focus][j];
            }
            series.put(r.inputs().get(j), xy);
        }
        Charts.Png png = Plots.linePlot(series, "Convergence of " + name + " on " + output(r, focus), "log2 N",
            name, false);
        return new Block.Figure(png.bytes(), "Convergence of " + name, name + " as the sample count doubles: an "
            + "estimate that still moves at the right end has not settled.", png.width(), png.height());
    }

    /** The inputs with the largest mean index over the outputs, at most {@code n}. */
    static List<Integer> strongest(double[][] values, int n) {
        int ins = values[0].length;
        double[] mean = new double[ins];
        for (double[] row : values) {
            for (int j = 0; j < ins; j++) {
                mean[j] += Double.isFinite(row[j]) ? row[j] : 0;
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < ins; j++) {
            order.add(j);
        }
        order.sort((a, c) -> Double.compare(mean[c], mean[a]));
        return order.subList(0, Math.min(n, ins));
    }

    private static String output(GsaResult r, int focus) {
        String label = r.outputs().get(focus);
        return (label.startsWith(r.plan().of() + "[") ? label : r.plan().of() + "[" + label + "]") + (r.outputs().size() > 1
            ? " (the output element with the largest variance)" : "");
    }

    private static String more(int n) {
        return n > MAX_TABLE_ROWS ? " (the first " + MAX_TABLE_ROWS + " of " + n + ")" : "";
    }

    private static String pm(double v, double half) {
        if (!Double.isFinite(v)) {
            return "undefined";
        }
        return Double.isFinite(half) ? Charts.fmt(v) + " +- " + Charts.fmt(half) : Charts.fmt(v);
    }
}
