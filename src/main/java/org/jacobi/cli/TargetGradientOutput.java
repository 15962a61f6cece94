package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jacobi.analysis.DifferentiatedValue;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.analysis.TargetGradients;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.Model;

/** {@code jacobi jacobian --of 'NAME[...]'} or {@code --cotangent W.npy}: the target's gradient, its JSON and summary. */
final class TargetGradientOutput {
    private TargetGradientOutput() {
    }

    static void write(Model model, JacobianEngine engine, JacobianRequest request, OutputTarget target, boolean probability,
                      Path out, OutputOptions output, PrintWriter stdout, PrintWriter stderr) {
        boolean fd = request.mode() == JacobianMode.FD;
        // one reverse pass, exact or refused: never a silent fall back to finite differences
        JacobianRequest r = fd ? request : request.withMode(JacobianMode.REVERSE);
        String wrt = r.wrt() != null ? r.wrt() : ResolvedRequest.resolve(model.info(), r).wrt();
        ProgressMonitor monitor = output.quiet ? ProgressMonitor.NONE : new JacobianCommand.ConsoleProgress(stderr);
        long start = System.nanoTime();
        TargetGradients g = TargetGradients.compute(model, engine, r.withWrtOf(wrt, null), target, probability, monitor);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (monitor instanceof JacobianCommand.ConsoleProgress console) {
            console.finish();
        }
        Npy.write(out, g.gradients(), output.force);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.info().path().toString());
        m.put("wrt", wrt);
        m.put("of", g.of());
        if (g.note() != null) {
            m.put("of_note", g.note());
        }
        m.put("target", g.target().describe(0));
        m.put("layout", g.target().targets() > 1 ? "[batch, targets, *input_shape]" : "[batch, *input_shape]");
        m.put("shape", g.gradients().shape());
        m.put("method", fd ? "finite differences" : "one reverse pass per sample (vector-Jacobian product)");
        m.put("exact", !fd);
        m.put("accuracy", fd ? "approximate (finite differences)" : "exact (float32 rounding)");
        m.put("seconds", seconds);
        String meta = Json.write(m);
        AtomicFiles.write(Path.of(out + ".json"), true, o -> o.write(meta.getBytes(StandardCharsets.UTF_8)));
        if (!output.quiet) {
            stdout.println(String.format(Locale.ROOT, "gradient of %s%s with respect to %s, %s: %d sample%s, %.1f ms -> %s %s",
                g.target().describe(0), g.note() == null ? "" : " [" + g.note() + " " + DifferentiatedValue.COMMAND_LINE_HINT + "]", wrt,
                fd ? "finite differences"
                    : "exact, one reverse pass per sample", g.target().samples(), g.target().samples() == 1 ? "" : "s",
                seconds * 1e3, out, Tensor.shapeToString(g.gradients().shape())));
        }
    }
}
