package org.jacobi.gsa;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;

/**
 * Runs a prepared study on this machine: for each method, base rows in batches sized to the memory budget, generate
 * ({@link StudyPlan#inputRows}), evaluate ({@link StudyEvaluator}), add to the statistics; then the indices at every
 * checkpoint. A cluster runs the same three steps per partition and merges the statistics instead.
 */
public final class GsaRunner {
    private GsaRunner() {
    }

    public static GsaResult run(GsaSetup.Prepared prepared, ProgressMonitor monitor) {
        StudyPlan plan = prepared.plan();
        StudyEvaluator evaluator = prepared.evaluator();
        long start = System.nanoTime();
        long total = 0;
        for (GsaMethod m : plan.study().methods()) {
            total += plan.evaluations(m);
        }
        long done = 0;
        long runs = 0;
        long jacobians = 0;
        Map<GsaMethod, List<IndexSet>> convergence = new EnumMap<>(GsaMethod.class);
        for (GsaMethod method : plan.study().methods()) {
            StudyStatistics stats = plan.newStatistics(method);
            boolean derivatives = method == GsaMethod.DGSM;
            int per = plan.rowsPerBase(method);
            int batch = StudyStatistics.batchBaseRows(per, evaluator.batchRows(plan.elements(), derivatives));
            long rows = plan.baseRows(method);
            for (long from = 0; from < rows; from += batch) {
                monitor.checkCancelled();
                int count = (int) Math.min(batch, rows - from);
                double[] inputs = plan.inputRows(method, from, count);
                int n = count * per;
                double[] outputs;
                double[] jac = null;
                if (derivatives) {
                    int[] varied = new int[plan.variedCount()];
                    for (int k = 0; k < varied.length; k++) {
                        varied[k] = plan.variedElement(k);
                    }
                    StudyEvaluator.Derivatives dv = evaluator.jacobians(inputs, n, varied, monitor);
                    outputs = dv.outputs();
                    jac = dv.jacobians();
                    checkFinite(plan, method, from, per, inputs, jac, plan.variedCount(), "derivative");
                    jacobians += n;
                } else {
                    outputs = evaluator.outputs(inputs, n, monitor);
                    runs += n;
                }
                checkFinite(plan, method, from, per, inputs, outputs, 1, "output");
                stats.add(from, count, outputs, jac);
                done += n;
                monitor.progress(done, total, method.label() + ": " + (from + count) + " of " + rows
                    + (method == GsaMethod.MORRIS ? " trajectories" : " base samples"));
            }
            convergence.put(method, stats.convergence(plan.checkpoints(method).length));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> warnings = new ArrayList<>(GsaWarnings.of(plan, convergence));
        if (evaluator.warning() != null) {
            warnings.add(0, evaluator.warning());
        }
        return new GsaResult(plan, convergence, runs, jacobians, seconds, warnings, evaluator.engineName(),
            evaluator.device());
    }

    /**
     * Fails on the first value that is not a finite number, naming the design sample, the output element and the
     * input values there, so the user can narrow the distributions.
     *
     * @param perRow values per (input row, output): 1 for outputs, d for Jacobian rows
     */
    public static void checkFinite(StudyPlan plan, GsaMethod method, long firstBase, int rowsPerBase, double[] inputs,
                            double[] values, int perRow, String what) {
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i])) {
                continue;
            }
            int outputs = plan.outputs();
            int row = i / (outputs * perRow);
            int output = i / perRow % outputs;
            long base = firstBase + row / rowsPerBase;
            StringBuilder at = new StringBuilder();
            int shown = 0;
            for (int k = 0; k < plan.variedCount() && shown < 8; k++, shown++) {
                if (k > 0) {
                    at.append(", ");
                }
                at.append(plan.inputLabels().get(k)).append('=')
                    .append(String.format(Locale.ROOT, "%.6g", inputs[row * plan.elements() + plan.variedElement(k)]));
            }
            if (plan.variedCount() > 8) {
                at.append(", ...");
            }
            throw new JacobiException("The model's " + what + " " + plan.outputLabels().get(output) + " is "
                + (Double.isNaN(values[i]) ? "NaN" : "infinite") + " at " + method.label() + " design sample " + base
                + (rowsPerBase > 1 ? " (row " + (row % rowsPerBase) + " of its " + rowsPerBase + ")" : "") + ": " + at
                + ". Narrow the distributions to where the model is defined.");
        }
    }
}
