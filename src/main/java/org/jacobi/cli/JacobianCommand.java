package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.Npy;
import org.jacobi.io.TensorFiles;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jacobi jacobian MODEL --input X.npy --out J.npy}: per-sample Jacobians to an NPY file. */
@Command(name = "jacobian", mixinStandardHelpOptions = true,
    description = {"Compute per-sample Jacobians d(output)/d(input) and write them as float32 NPY.",
        "Layout: [batch, *output_shape, *input_shape] (without batch axis: [*output_shape, *input_shape]).",
        "With --of NAME[...] or --cotangent: the gradient of that part of the output, [batch, *input_shape] "
            + "([batch, targets, *input_shape] for NAME[each]), one reverse pass per sample.",
        "A JSON file beside the output (OUT.json) records how it was computed, including whether it is exact."})
public final class JacobianCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) or TorchScript (.pt) file.")
    Path modelPath;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE", required = true,
        description = "Input values: tensor files (.npy, .npz, .csv), photos (.png, .jpg, .bmp, .tif; several form a batch) or WAV clips; NAME=FILE for a named input.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, paramLabel = "J.npy", required = true, description = "Where to write the Jacobian.")
    Path out;

    @Option(names = "--save-graph", paramLabel = "FILE.onnx",
        description = "Also write the differentiated ONNX graph, to inspect it (ONNX models, exact modes only).")
    Path saveGraph;

    @Option(names = "--wrt-params", paramLabel = "all|NAME,...",
        description = "Instead of the Jacobian: per sample and per parameter tensor the Frobenius norm of d(output)/d(parameter), "
            + "written as float32 [batch, parameters] (names in OUT.json).")
    String wrtParams;

    @Option(names = "--cotangent", paramLabel = "W.npy",
        description = "Weights of the output's elements (one sample's shape, or the whole output's): write the gradient of their weighted sum.")
    Path cotangent;

    @Option(names = "--probability",
        description = "With --of NAME[...] or --cotangent on an output made by a final Sigmoid or Softmax: differentiate the "
            + "probability itself instead of the logit before it (the default, since a saturated probability has no gradient).")
    boolean probability;

    @Mixin
    OutputOptions output;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    InputFileOptions inputFiles;

    @Mixin
    JacobianOptions jacobianOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!output.force && out.toFile().exists()) {
            throw JacobiException.usage(out + " already exists. Choose another name, or pass --force to replace it.");
        }
        OutputTarget target = OutputTarget.parse(jacobianOptions.of, null, cotangent == null ? null : TensorFiles.readSingle(cotangent));
        if (target.pointsAtPart() && (wrtParams != null || saveGraph != null)) {
            throw JacobiException.usage("--of NAME[...] and --cotangent write a gradient; leave out --wrt-params and --save-graph.");
        }
        if (target.pointsAtPart()) {
            jacobianOptions.targetRequest(Map.of()); // check the options before any slow work
        } else {
            jacobianOptions.request(Map.of());
        }
        try (Model model = modelOptions.load(modelPath);
             JacobianEngine engine = Jacobians.engineFor(model)) {
            Map<String, Tensor> bound = inputFiles.bind(model, inputs, output.quiet ? null : stderr);
            if (target.pointsAtPart()) {
                TargetGradientOutput.write(model, engine, jacobianOptions.targetRequest(bound), target, probability, out,
                    output, stdout, stderr);
                return 0;
            }
            JacobianRequest request = jacobianOptions.request(bound);
            if (wrtParams != null) {
                ParameterNormsOutput.write(model, request, wrtParams, out, output.force, output.quiet, stdout, stderr);
                return 0;
            }
            if (saveGraph != null) {
                byte[] graph = engine.serializedDifferentiatedGraph(request);
                AtomicFiles.write(saveGraph, output.force, o -> o.write(graph));
            }
            ProgressMonitor monitor = output.quiet ? ProgressMonitor.NONE : new ConsoleProgress(stderr);
            JacobianResult result = engine.compute(request, monitor);
            if (monitor instanceof ConsoleProgress console) {
                console.finish();
            }
            for (String warning : result.warnings()) {
                stderr.println("jacobi: warning: " + warning);
            }
            Npy.write(out, result.jacobian(), output.force);
            Path metaPath = Path.of(out + ".json");
            String meta = Json.write(metadata(model, result));
            AtomicFiles.write(metaPath, true, o -> o.write(meta.getBytes(StandardCharsets.UTF_8)));
            if (!output.quiet) {
                stdout.println(summary(result) + " -> " + out + " " + Tensor.shapeToString(result.jacobian().shape()));
            }
        }
        return 0;
    }

    static String summary(JacobianResult r) {
        if (!r.dependsOnInput()) {
            return "'" + r.of() + "' does not depend on '" + r.wrt() + "': no path leads from it to the output (the array "
                + "written is zeros)";
        }
        return String.format(Locale.ROOT, "%s, %s on %s: %d sample%s, %d chunk%s, %.1f ms, %s samples/s",
            r.methodLabel(), r.backend(), r.device(), r.samples(), r.samples() == 1 ? "" : "s", r.chunks(),
            r.chunks() == 1 ? "" : "s", r.seconds() * 1e3, formatRate(r.samplesPerSecond()));
    }

    static String formatRate(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static Map<String, Object> metadata(Model model, JacobianResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.info().path().toString());
        m.put("wrt", r.wrt());
        m.put("of", r.of());
        m.put("layout", r.batched() ? "[batch, *output_shape, *input_shape]" : "[*output_shape, *input_shape]");
        m.put("shape", r.jacobian().shape());
        m.put("batched", r.batched());
        m.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
        m.put("exact", r.exact());
        m.put("depends_on_input", r.dependsOnInput());
        if (!r.dependsOnInput()) {
            m.put("dependence", "'" + r.of() + "' does not depend on '" + r.wrt() + "'");
        }
        m.put("accuracy", r.exact() ? "exact (float32 rounding)" : "approximate (finite differences)");
        if (!Double.isNaN(r.estimatedError())) {
            m.put("estimated_error", r.estimatedError());
            m.put("estimated_relative_error", r.estimatedRelativeError());
        }
        m.put("backend", r.backend());
        if (model.precisionNote() != null) {
            m.put("precision", model.precisionNote());
        }
        m.put("device", r.device());
        m.put("chunks", r.chunks());
        m.put("seconds", r.seconds());
        m.put("warnings", r.warnings());
        // element names the model declares (class names of a classifier's outputs), when it declares them
        ElementLabels.of(model, r.wrt(), r.inputsPerSample()).ifPresent(l -> m.put("input_labels", l));
        ElementLabels.of(model, r.of(), r.outputsPerSample()).ifPresent(l -> m.put("output_labels", l));
        return m;
    }

    /** Progress on stderr, rewritten in place on a terminal, silent for quick work. */
    static final class ConsoleProgress implements ProgressMonitor {
        private final PrintWriter err;
        private final long start = System.nanoTime();
        private boolean printed;

        ConsoleProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void progress(long done, long total, String message) {
            if (err == null || total <= 1 || System.nanoTime() - start < 1_000_000_000L || System.console() == null) {
                return;
            }
            err.printf(Locale.ROOT, "\r%3d%% %s   ", 100 * done / total, message);
            err.flush();
            printed = true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        void finish() {
            if (printed && err != null) {
                err.print("\r" + " ".repeat(60) + "\r");
                err.flush();
            }
        }
    }
}
