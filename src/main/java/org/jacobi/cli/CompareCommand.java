package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jacobi.compare.ComparisonJson;
import org.jacobi.compare.ComparisonRequest;
import org.jacobi.compare.ComparisonResult;
import org.jacobi.compare.ModelComparison;
import org.jacobi.compare.NameMapping;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.model.Model;
import org.jacobi.report.ComparisonReportBuilder;
import org.jacobi.report.ReportOptions;
import org.jacobi.report.ReportWriters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jacobi compare A B --input X --out R.json|R.html|R.pdf}: two models on the same inputs. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Run and differentiate two models at the same inputs and report how far their outputs, "
        + "Jacobians, input rankings and singular values are apart.",
        "Both models take the same inputs: same names and shapes, or names paired with --map. "
            + "Outputs pair by name, or by position when the names differ.",
        "The format follows the extension of --out: .json (the numbers), .html or .pdf (a comparison report).",
        "Examples:",
        "  jacobi compare model.onnx model.pt --input x.npy --out check.json",
        "  jacobi compare run1.onnx run2.onnx --input x.npy --out runs.pdf --map x=input"})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_A", description = "The reference model, ONNX (.onnx) or TorchScript (.pt).")
    Path modelA;

    @Parameters(index = "1", paramLabel = "MODEL_B", description = "The model compared with it.")
    Path modelB;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE", required = true,
        description = "Input values by model A's input names: tensor files (.npy, .npz, .csv), photos or WAV clips; repeat for several inputs.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, paramLabel = "R.json|R.html|R.pdf", required = true,
        description = "Where to write the comparison.")
    Path out;

    @Option(names = "--map", paramLabel = "A_NAME=B_NAME",
        description = "Model B's name for an input or output of model A, where the names differ; repeat as needed.")
    List<String> map = new ArrayList<>();

    @Option(names = "--samples", paramLabel = "I,J,...", split = ",", hideParamSyntax = true,
        description = "Samples that get their own heatmaps and spectra in an HTML/PDF report (default: the first 4).")
    List<Integer> samples;

    @Option(names = "--title", paramLabel = "TEXT", description = "The report's title.")
    String title;

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
        boolean json = isJson(out);
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!json && !name.endsWith(".html") && !name.endsWith(".htm") && !name.endsWith(".pdf")) {
            throw JacobiException.usage(out + ": a comparison is written as .json, .html or .pdf. Give a file name "
                + "ending in one of them.");
        }
        if (!output.force && Files.exists(out)) {
            throw JacobiException.usage(out + " already exists. Choose another name, or pass --force to replace it.");
        }
        NameMapping mapping = NameMapping.parse(map);
        JacobianRequest settings = jacobianOptions.request(Map.of());
        try (Model a = modelOptions.load(modelA); Model b = modelOptions.load(modelB)) {
            Map<String, Tensor> bound = inputFiles.bind(a, inputs, output.quiet ? null : stderr);
            ComparisonRequest request = new ComparisonRequest(bound, settings.wrt(), settings.of(), settings.batchAxis(),
                settings.mode(), settings.maxMemoryBytes(), mapping);
            ProgressMonitor monitor = output.quiet ? ProgressMonitor.NONE : new JacobianCommand.ConsoleProgress(stderr);
            ComparisonResult result = ModelComparison.compare(a, b, request, monitor);
            if (json) {
                String text = Json.write(ComparisonJson.of(result)) + "\n";
                AtomicFiles.write(out, output.force, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
            } else {
                ReportOptions options = ReportOptions.defaults();
                if (samples != null) {
                    options = options.withSamples(samples);
                }
                if (title != null) {
                    options = options.withTitle(title);
                }
                ReportWriters.write(ComparisonReportBuilder.build(result, options, monitor), out, output.force);
            }
            if (monitor instanceof JacobianCommand.ConsoleProgress console) {
                console.finish();
            }
            for (String warning : result.warnings()) {
                stderr.println("jacobi: warning: " + warning);
            }
            if (!output.quiet) {
                for (String note : result.notes()) {
                    stderr.println("jacobi: note: " + note);
                }
                stdout.println(String.format(Locale.ROOT,
                    "%s vs %s: max |y_A - y_B| = %.6g, max |J_A - J_B| = %.6g (%.3g of max |J_A|) -> %s",
                    a.info().fileName(), b.info().fileName(), result.maxAbsOutputDifference(),
                    result.maxAbsJacobianDifference(), result.maxRelJacobianDifference(), out));
            }
        }
        return 0;
    }

    static boolean isJson(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    }
}
