package org.jacobi.optim;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jacobi.io.AtomicFiles;

/** Writes iteration records as CSV, one row per iteration of each method, atomically. */
public final class TraceCsv {
    /** The header row; fields that do not apply to a method are left empty. */
    public static final List<String> HEADER = List.of("method", "iteration", "cost", "cost_change", "grad_norm",
        "step_norm", "gain_ratio", "line_search_evals", "damping", "step_size", "accepted", "time_ms");

    private TraceCsv() {
    }

    public static void write(Path file, List<IterationRecord> records, boolean overwrite) {
        AtomicFiles.write(file, overwrite, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(String.join(",", HEADER));
            w.write('\n');
            for (IterationRecord r : records) {
                w.write(row(r));
                w.write('\n');
            }
            w.flush();
        });
    }

    static String row(IterationRecord r) {
        return String.join(",", r.method().id(), Integer.toString(r.iteration()), number(r.cost()), number(r.costChange()),
            number(r.gradientNorm()), number(r.stepNorm()), number(r.gainRatio()),
            r.method() == OptimizationMethod.LBFGS ? Integer.toString(r.lineSearchEvaluations()) : "",
            number(r.damping()), number(r.stepSize()), Boolean.toString(r.accepted()),
            String.format(Locale.ROOT, "%.3f", r.timeMillis()));
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
