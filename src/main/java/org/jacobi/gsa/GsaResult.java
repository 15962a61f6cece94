package org.jacobi.gsa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a study: for each method its indices at every convergence checkpoint (the last on all N base rows),
 * how much model work it took, and the warnings a user must read.
 *
 * @param modelRuns forward passes (one per input row)
 * @param jacobianRows per-sample Jacobians
 * @param seconds wall time of the evaluation and statistics
 */
public record GsaResult(StudyPlan plan, Map<GsaMethod, List<IndexSet>> convergence, long modelRuns,
                        long jacobianRows, double seconds, List<String> warnings, String engine, String device) {
    public GsaResult {
        Map<GsaMethod, List<IndexSet>> copy = new EnumMap<>(GsaMethod.class);
        convergence.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        convergence = Collections.unmodifiableMap(copy);
        warnings = List.copyOf(warnings);
    }

    public boolean has(GsaMethod method) {
        return convergence.containsKey(method);
    }

    /** The method's indices on the full sample. */
    public IndexSet indices(GsaMethod method) {
        List<IndexSet> list = convergence.get(method);
        if (list == null) {
            throw new IllegalArgumentException(method + " was not computed");
        }
        return list.get(list.size() - 1);
    }

    public long evaluations() {
        return modelRuns + jacobianRows;
    }

    /** Model evaluations (forward passes and Jacobians) per second. */
    public double throughput() {
        return evaluations() / Math.max(1e-9, seconds);
    }

    public List<String> inputs() {
        return plan.inputLabels();
    }

    public List<String> outputs() {
        return plan.outputLabels();
    }

    /** "Sobol' indices, DGSM: 8 inputs x 1 output, N = 16384 (scrambled Sobol'), 163840 model runs + ..." */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(", ", convergence.keySet().stream().map(GsaMethod::label).toList()));
        sb.append(String.format(Locale.ROOT, ": %d input%s x %d output%s, N = %d (%s), ", inputs().size(),
            inputs().size() == 1 ? "" : "s", outputs().size(), outputs().size() == 1 ? "" : "s", plan.study().samples(),
            plan.study().design().label()));
        sb.append(modelRuns).append(" model runs");
        if (jacobianRows > 0) {
            sb.append(" + ").append(jacobianRows).append(" Jacobians (").append(engine).append(')');
        }
        sb.append(String.format(Locale.ROOT, " on %s in %.2f s, %s evaluations/s", device, seconds, rate(throughput())));
        return sb.toString();
    }

    static String rate(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** The JSON document of {@code jacobi gsa --out indices.json}: arrays indexed [output][input]. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inputs", inputs());
        m.put("outputs", outputs());
        m.put("samples", plan.study().samples());
        m.put("evaluations", evaluations());
        m.put("model_runs", modelRuns);
        m.put("jacobians", jacobianRows);
        m.put("wrt", plan.wrt());
        m.put("of", plan.of());
        m.put("design", plan.study().design().id());
        m.put("seed", plan.study().seed());
        m.put("bootstrap", plan.study().bootstrap());
        List<String> dists = new ArrayList<>();
        for (int k = 0; k < plan.variedCount(); k++) {
            dists.add(plan.distribution(plan.variedElement(k)).spec());
        }
        m.put("distributions", dists);
        for (Map.Entry<GsaMethod, List<IndexSet>> e : convergence.entrySet()) {
            IndexSet full = e.getValue().get(e.getValue().size() - 1);
            Map<String, Object> arrays = arrays(full);
            if (e.getKey() == GsaMethod.MORRIS) {
                arrays.put("trajectories", plan.study().morrisTrajectories());
            }
            m.put(e.getKey().id(), arrays);
        }
        Map<String, Object> conv = new LinkedHashMap<>();
        for (Map.Entry<GsaMethod, List<IndexSet>> e : convergence.entrySet()) {
            List<Object> steps = new ArrayList<>();
            for (IndexSet s : e.getValue()) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("samples", s.baseRows());
                step.putAll(arrays(s));
                steps.add(step);
            }
            conv.put(e.getKey().id(), steps);
        }
        m.put("convergence", conv);
        m.put("seconds", seconds);
        m.put("evaluations_per_second", throughput());
        m.put("engine", engine);
        m.put("device", device);
        m.put("warnings", warnings);
        m.put("study", plan.study().toJson());
        return m;
    }

    private static Map<String, Object> arrays(IndexSet s) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[][]> a : s.arrays().entrySet()) {
            List<Object> rows = new ArrayList<>();
            for (double[] row : a.getValue()) {
                rows.add(row);
            }
            out.put(a.getKey(), rows);
        }
        return out;
    }

    /** One line per (method, index, output, input): {@code method,index,output,input,value,conf}. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("method,index,output,input,value,conf_half_width\n");
        for (GsaMethod method : convergence.keySet()) {
            IndexSet s = indices(method);
            for (String name : s.indexNames()) {
                if (name.equals("variance")) {
                    continue;
                }
                double[][] v = s.get(name);
                double[][] c = s.confidence(name);
                for (int o = 0; o < v.length; o++) {
                    for (int j = 0; j < v[o].length; j++) {
                        sb.append(method.id()).append(',').append(name).append(',').append(csv(outputs().get(o)))
                            .append(',').append(csv(inputs().get(j))).append(',').append(num(v[o][j])).append(',')
                            .append(c == null ? "" : num(c[o][j])).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
