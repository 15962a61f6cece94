package org.jacobi.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's input-optimization section: cost per iteration of each method run, as a plot and a table. */
final class OptimizationSection {
    private OptimizationSection() {
    }

    static Section of(List<TraceRow> traces) {
        List<Block> b = new ArrayList<>();
        Map<String, List<TraceRow>> byMethod = new LinkedHashMap<>();
        for (TraceRow r : traces) {
            byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r);
        }
        boolean positive = traces.stream().allMatch(r -> r.cost() > 0);
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (Map.Entry<String, List<TraceRow>> e : byMethod.entrySet()) {
            List<TraceRow> rows = e.getValue();
            double[] x = new double[rows.size()];
            double[] y = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                x[i] = rows.get(i).iteration();
                y[i] = rows.get(i).cost();
            }
            series.put(e.getKey(), new double[][] {x, y});
        }
        b.add(new Block.Paragraph("Input optimization: cost per iteration for each method run"
            + (positive ? " (log scale)." : ".")));
        Charts.Png plot = Plots.linePlot(series, "Optimization cost per iteration", "iteration",
            positive ? "cost (log scale)" : "cost", positive);
        b.add(new Block.Figure(plot.bytes(), "Optimization traces", "Cost per iteration.", plot.width(), plot.height()));
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<TraceRow>> e : byMethod.entrySet()) {
            List<TraceRow> list = e.getValue();
            for (int i = 0; i < list.size(); i++) {
                if (list.size() > 24 && i == 10) {
                    rows.add(List.of(e.getKey(), "...", "(" + (list.size() - 20) + " rows left out)", "", "", "", ""));
                    i = list.size() - 10;
                }
                TraceRow r = list.get(i);
                rows.add(List.of(r.method(), Integer.toString(r.iteration()), ReportBuilder.num(r.cost()), ReportBuilder.num(r.gradNorm()),
                    ReportBuilder.num(r.stepNorm()), r.accepted() ? "yes" : "no", String.format(Locale.ROOT, "%.1f", r.timeMs())));
            }
        }
        b.add(new Block.Table("Iterations", List.of("Method", "Iteration", "Cost", "Gradient norm", "Step norm",
            "Accepted", "Time (ms)"), rows, new boolean[] {false, true, true, true, true, false, true}));
        return new Section("optimization", "Optimization", b);
    }
}
