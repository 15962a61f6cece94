package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.Npy;
import org.jacobi.io.TensorFiles;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.HessianEngine;
import org.jacobi.jacobian.HessianRequest;
import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.Hessians;
import org.jacobi.jacobian.onnx.OnnxHessianEngine;
import org.jacobi.model.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jacobi hessian MODEL --input X.npy --out H.npy}: per-sample input Hessians of one output element. */
@Command(name = "hessian", mixinStandardHelpOptions = true,
    description = {"Compute per-sample Hessians d2(output element)/d(input)2 and write them as float32 NPY.",
        "Layout: [batch, *input_shape, *input_shape]; with --vector: Hessian-vector products [batch, *input_shape].",
        "A JSON file beside the output (OUT.json) records how it was computed."})
public final class HessianCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) or TorchScript (.pt) file.")
    Path modelPath;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE", required = true,
        description = "Input values: tensor files (.npy, .npz, .csv), photos (.png, .jpg, .bmp, .tif; several form a batch) or WAV clips; NAME=FILE for a named input.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, paramLabel = "H.npy", required = true, description = "Where to write the Hessians.")
    Path out;

    @Option(names = "--wrt", paramLabel = "NAME", description = "Input to differentiate with respect to (default: the first floating-point input).")
    String wrt;

    @Option(names = "--of", paramLabel = "NAME", description = "Output to differentiate (default: the first output).")
    String of;

    @Option(names = "--element", paramLabel = "K", description = "Flat index into one sample's output (default 0).")
    Integer element;

    @Option(names = "--reduce", paramLabel = "sum", description = "sum: the Hessian of the sum of each sample's outputs.")
    String reduce;

    @Option(names = "--vector", paramLabel = "V.npy",
        description = "Hessian-vector products instead of full Hessians: V is one sample's input shape, or the input's shape.")
    Path vector;

    @Mixin
    BatchAxisOption batchAxis;

    @Option(names = "--max-memory", paramLabel = "SIZE",
        description = "Memory budget, e.g. 512M or 2G (default: a quarter of the Java heap).")
    String maxMemory;

    @Option(names = "--save-graph", paramLabel = "FILE.onnx", description = "Also write the second-order ONNX graph (ONNX models).")
    Path saveGraph;

    @Mixin
    OutputOptions output;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    InputFileOptions inputFiles;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private int target() {
        if (reduce != null) {
            if (!reduce.equalsIgnoreCase("sum")) {
                throw JacobiException.usage("--reduce takes 'sum', not '" + reduce + "'.");
            }
            if (element != null) {
                throw JacobiException.usage("Give either --element or --reduce sum, not both.");
            }
            return HessianRequest.SUM;
        }
        return element == null ? 0 : element;
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!output.force && out.toFile().exists()) {
            throw JacobiException.usage(out + " already exists. Choose another name, or pass --force to replace it.");
        }
        int target = target();
        BatchAxis axis = batchAxis.rule();
        long budget = maxMemory == null ? 0 : SizeParser.parseBytes(maxMemory, "--max-memory");
        Tensor v = vector == null ? null : TensorFiles.readSingle(vector);
        try (Model model = modelOptions.load(modelPath); HessianEngine engine = Hessians.engineFor(model)) {
            Map<String, Tensor> bound = inputFiles.bind(model, inputs, output.quiet ? null : stderr);
            HessianRequest request = new HessianRequest(bound, wrt, of, target, v, axis, budget);
            if (saveGraph != null) {
                if (!(engine instanceof OnnxHessianEngine onnx)) {
                    throw JacobiException.usage("--save-graph needs an ONNX model; TorchScript Hessians build no graph.");
                }
                byte[] graph = onnx.secondOrderGraph(request).toByteArray();
                AtomicFiles.write(saveGraph, output.force, o -> o.write(graph));
            }
            ProgressMonitor monitor = output.quiet ? ProgressMonitor.NONE : new JacobianCommand.ConsoleProgress(stderr);
            HessianResult result = engine.compute(request, monitor);
            if (monitor instanceof JacobianCommand.ConsoleProgress console) {
                console.finish();
            }
            result.warnings().forEach(w -> stderr.println("jacobi: warning: " + w));
            Npy.write(out, result.hessian(), output.force);
            String meta = Json.write(metadata(model, result));
            AtomicFiles.write(Path.of(out + ".json"), true, o -> o.write(meta.getBytes(StandardCharsets.UTF_8)));
            if (!output.quiet) {
                stdout.println(String.format(Locale.ROOT, "%s of %s, %s on %s: %d sample%s, %d chunk%s, %.1f ms -> %s %s",
                    result.vectorProduct() ? "Hessian-vector products" : "Hessians", result.target(), result.backend(),
                    result.device(), result.samples(), result.samples() == 1 ? "" : "s", result.chunks(),
                    result.chunks() == 1 ? "" : "s", result.seconds() * 1e3, out, Tensor.shapeToString(result.hessian().shape())));
            }
        }
        return 0;
    }

    static Map<String, Object> metadata(Model model, HessianResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.info().path().toString());
        m.put("kind", r.vectorProduct() ? "hessian-vector product" : "hessian");
        m.put("wrt", r.wrt());
        m.put("of", r.of());
        m.put("target", r.target());
        String in = "*input_shape";
        m.put("layout", (r.batched() ? "[batch, " : "[") + in + (r.vectorProduct() ? "]" : ", " + in + "]"));
        m.put("shape", r.hessian().shape());
        m.put("batched", r.batched());
        m.put("mode", "forward-over-reverse");
        m.put("exact", true);
        m.put("accuracy", "exact (float32 rounding)");
        m.put("backend", r.backend());
        m.put("device", r.device());
        m.put("chunks", r.chunks());
        m.put("seconds", r.seconds());
        m.put("warnings", r.warnings());
        return m;
    }
}
