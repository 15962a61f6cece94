package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.jacobian.ParameterJacobianEngine;
import org.jacobi.jacobian.ParameterNames;
import org.jacobi.jacobian.ParameterNorms;
import org.jacobi.model.Model;

/** {@code jacobian --wrt-params}: the samples x parameters table of Jacobian norms, as NPY with JSON beside it. */
final class ParameterNormsOutput {
    private ParameterNormsOutput() {
    }

    static void write(Model model, JacobianRequest request, String which, Path out, boolean force, boolean quiet,
                      PrintWriter stdout, PrintWriter stderr) {
        if (request.wrt() != null) {
            throw JacobiException.usage("Give either --wrt or --wrt-params, not both.");
        }
        try (ParameterJacobianEngine engine = Jacobians.parameterEngineFor(model)) {
            Map<String, long[]> all = engine.parameters();
            List<String> names = new ArrayList<>();
            if (which.equalsIgnoreCase("all")) {
                names.addAll(all.keySet());
            } else {
                for (String n : which.split(",")) {
                    String name = n.trim();
                    if (!all.containsKey(name)) {
                        ParameterNames.isParameter(model.info(), name, all.keySet()); // throws, listing the names
                        throw JacobiException.usage("'" + name + "' is an input, not a parameter; --wrt-params takes parameters.");
                    }
                    names.add(name);
                }
            }
            if (names.isEmpty()) {
                throw JacobiException.usage(model.info().fileName() + " has no floating-point parameters.");
            }
            ProgressMonitor monitor = quiet ? ProgressMonitor.NONE : new JacobianCommand.ConsoleProgress(stderr);
            ParameterNorms norms = engine.norms(request, names, monitor);
            if (monitor instanceof JacobianCommand.ConsoleProgress console) {
                console.finish();
            }
            Npy.write(out, norms.norms(), force);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("model", model.info().path().toString());
            meta.put("kind", "parameter sensitivity norms");
            meta.put("of", norms.of());
            meta.put("layout", "[batch, parameters]: Frobenius norm of d(output)[b] / d(parameter)");
            meta.put("shape", norms.norms().shape());
            meta.put("parameters", norms.parameters());
            meta.put("exact", true);
            meta.put("backend", norms.backend());
            meta.put("seconds", norms.elapsedNanos() / 1e9);
            String json = Json.write(meta);
            AtomicFiles.write(Path.of(out + ".json"), true, o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
            if (!quiet) {
                stdout.println(String.format(Locale.ROOT, "parameter norms, %s: %d samples x %d parameters -> %s",
                    norms.backend(), norms.samples(), names.size(), out));
            }
        }
    }
}
