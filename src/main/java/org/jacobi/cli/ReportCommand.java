package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.attribution.AttributionMethod;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionRunner;
import org.jacobi.attribution.AttributionSettings;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.report.AttributionSection;
import org.jacobi.report.Report;
import org.jacobi.report.ReportBuilder;
import org.jacobi.report.ReportDataZip;
import org.jacobi.report.ReportOptions;
import org.jacobi.report.ReportSource;
import org.jacobi.report.ReportTarget;
import org.jacobi.report.ReportWriters;
import org.jacobi.report.SecondOrder;
import org.jacobi.report.TraceRow;
import org.jacobi.report.TraceRows;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jacobi report MODEL --input X.npy --out report.html|report.pdf}: a sensitivity report. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Compute per-sample Jacobians and write a sensitivity report: model summary, method, heatmaps, "
        + "saliency maps (image inputs), input ranking, global sensitivity measures, singular values and, with "
        + "--trace, optimization traces.",
        "The format follows the extension of --out: .html (one self-contained file) or .pdf. With --target the report is "
            + "of that part of an output (its gradient, ranking and saliency), not averaged over every output element.",
        "Example: jacobi report model.onnx --input x.npy --out report.pdf --samples 0,3,5 --data-zip report-data.zip",
        "Example: jacobi report detector.onnx --input photo.png --target 'scores[272]' --out face.html"})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) or TorchScript (.pt) file.")
    Path modelPath;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE", required = true,
        description = "Input values: tensor files (.npy, .npz, .csv), photos (.png, .jpg, .bmp, .tif; several form a batch) or WAV clips; NAME=FILE for a named input.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, paramLabel = "REPORT.html|REPORT.pdf", required = true,
        description = "Where to write the report.")
    Path out;

    @Option(names = "--target", paramLabel = "NAME[...]",
        description = "Report on one part of an output instead of averaging over all its elements, as jacobian --of writes it: "
            + "one element 'scores[272]', a region summed 'mask[0,10:20,:]', or each sample's largest element 'y[top]'. "
            + "One reverse pass per sample gives its gradient; the ranking, measures and saliency maps are then of that "
            + "target, and so is --attribution. After a final Sigmoid or Softmax the logit before it is differentiated "
            + "unless --probability.")
    String target;

    @Option(names = "--probability",
        description = "With --target or --attribution on an output made by a final Sigmoid or Softmax: differentiate the "
            + "probability itself instead of the logit before it (the default, since a saturated probability has no gradient).")
    boolean probability;

    @Option(names = "--samples", paramLabel = "I,J,...", split = ",", hideParamSyntax = true,
        description = "Samples that get their own heatmap, saliency map and spectrum (default: all, at most 16). "
            + "Rankings and measures always use every sample.")
    List<Integer> samples;

    @Option(names = "--pooling", paramLabel = "max-abs|mean", defaultValue = "max-abs",
        description = "How large heatmaps are downsampled: max-abs keeps the signed entry of largest magnitude per "
            + "block, mean averages the block. Default: ${DEFAULT-VALUE}.")
    String pooling = "max-abs";

    @Option(names = "--title", paramLabel = "TEXT", description = "The report's title.")
    String title;

    @Option(names = "--data-zip", paramLabel = "FILE.zip",
        description = "Also write the raw data: Jacobian and inputs (NPY), rankings and measures (CSV), metadata (JSON).")
    Path dataZip;

    @Option(names = "--trace", paramLabel = "FILE",
        description = "Include an optimization trace, the CSV written by 'jacobi optimize --trace'.")
    Path trace;

    @Option(names = "--gsa-study", paramLabel = "STUDY.json",
        description = "Also run a global sensitivity study (saved by 'jacobi gsa --save-study' or the app) and add its section; "
            + "the --input samples are its reference.")
    Path gsaStudy;

    @Option(names = "--no-second-order", negatable = false,
        description = "Leave out the Interactions (Hessian) and Parameters (weight sensitivity) sections.")
    boolean noSecondOrder;

    @Option(names = "--attribution", paramLabel = "M[,M...]",
        description = "Add an attribution section for the target of --target (default: the first output's largest element): these methods "
            + "(saliency, gradxinput, ig, smoothgrad, smoothgrad-sq, vargrad, gradshap, occlusion) with their defaults, "
            + "overlays for image inputs, and the metrics of --attribution-metrics.")
    String attribution;

    @Option(names = "--attribution-metrics", paramLabel = "M[,M...]", defaultValue = "infidelity,deletion,insertion",
        description = "Metrics of the attribution section (infidelity, sensitivity, deletion, insertion). Default: ${DEFAULT-VALUE}.")
    String attributionMetrics;

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
        // everything that can be checked before the slow work is checked first
        ReportWriters.formatOf(out);
        refuseExisting(out);
        if (dataZip != null) {
            if (!dataZip.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
                throw JacobiException.usage("--data-zip " + dataZip + ": give a file name ending in .zip.");
            }
            refuseExisting(dataZip);
        }
        ReportOptions options = options();
        List<TraceRow> traceRows = trace == null ? List.of() : TraceRows.readCsv(trace);
        if (jacobianOptions.of != null && jacobianOptions.of.strip().endsWith("]")) {
            throw JacobiException.usage("--of " + jacobianOptions.of + " points at part of an output; a report takes that "
                + "as --target '" + jacobianOptions.of.strip() + "'.");
        }
        if (probability && target == null && attribution == null) {
            throw JacobiException.usage("--probability goes with --target or --attribution: give the output element or region "
                + "to differentiate.");
        }
        if (target != null && jacobianOptions.of != null) {
            throw JacobiException.usage("--target names its output; leave out --of.");
        }
        OutputTarget pointed = target == null ? null : OutputTarget.parse(target, null, null);
        OutputTarget attributionTarget = pointed != null ? pointed : OutputTarget.parse(jacobianOptions.of, null, null);
        List<AttributionMethod> methods = attribution == null ? List.of() : AttributionSettings.defaults().methods(attribution);
        List<String> metrics = AttributionSettings.metrics(attributionMetrics);
        jacobianOptions.request(Map.of());
        try (Model model = modelOptions.load(modelPath);
             JacobianEngine engine = Jacobians.engineFor(model)) {
            Map<String, Tensor> bound = inputFiles.bind(model, inputs, output.quiet ? null : stderr);
            ProgressMonitor monitor = output.quiet ? ProgressMonitor.NONE : new JacobianCommand.ConsoleProgress(stderr);
            ReportSource source;
            SecondOrder secondOrder;
            if (pointed != null) {
                source = ReportTarget.source(model, engine, jacobianOptions.targetRequest(bound), pointed, probability, monitor);
                secondOrder = noSecondOrder ? SecondOrder.NONE : SecondOrder.FOR_TARGET;
            } else {
                JacobianRequest request = jacobianOptions.request(bound);
                JacobianResult result = engine.compute(request, monitor);
                source = ReportSource.of(model, bound, result);
                secondOrder = noSecondOrder ? SecondOrder.NONE : SecondOrder.compute(model, request, result, monitor);
            }
            JacobianResult result = source.jacobian();
            for (String warning : result.warnings()) {
                stderr.println("jacobi: warning: " + warning);
            }
            Report report = ReportBuilder.build(source.withTraces(traceRows), options, secondOrder, monitor);
            if (!methods.isEmpty()) {
                report = withAttribution(report, model, bound, attributionTarget, methods, metrics, monitor);
            }
            if (gsaStudy != null) {
                report = GsaReportCommandSupport.addStudy(report, gsaStudy, model, engine, bound,
                    jacobianOptions.batchAxis.rule(), monitor, stderr);
            }
            ReportWriters.write(report, out, output.force);
            if (dataZip != null) {
                ReportDataZip.write(report, dataZip, output.force);
            }
            if (monitor instanceof JacobianCommand.ConsoleProgress console) {
                console.finish();
            }
            if (!output.quiet) {
                stdout.println("Report of " + model.info().fileName() + " (" + JacobianCommand.summary(result) + ") -> " + out
                    + (dataZip != null ? ", data -> " + dataZip : ""));
            }
        }
        return 0;
    }

    private Report withAttribution(Report report, Model model, Map<String, Tensor> bound, OutputTarget target,
                                   List<AttributionMethod> methods, List<String> metrics, ProgressMonitor monitor) {
        try (ModelDerivatives derivatives = new ModelDerivatives(model)) {
            JacobianRequest request = jacobianOptions.request(bound);
            AttributionProblem problem = AttributionProblem.of(model, derivatives.exact(), bound, request.wrt(), target,
                probability, request.maxMemoryBytes(), request.batchAxis());
            List<AttributionRunner.Result> results = new ArrayList<>();
            for (AttributionMethod m : methods) {
                results.add(AttributionRunner.run(m, problem, metrics, AttributionSettings.defaults(), monitor));
            }
            return AttributionSection.addTo(report, problem, results);
        }
    }

    private void refuseExisting(Path file) {
        if (!output.force && Files.exists(file)) {
            throw JacobiException.usage(file + " already exists. Choose another name, or pass --force to replace it.");
        }
    }

    ReportOptions options() {
        ReportOptions options = ReportOptions.defaults();
        if (samples != null) {
            List<Integer> chosen = new ArrayList<>(samples);
            options = options.withSamples(chosen);
        }
        if (title != null) {
            options = options.withTitle(title);
        }
        return options.withPooling(switch (pooling.toLowerCase(Locale.ROOT)) {
            case "max-abs", "maxabs", "max" -> ReportOptions.Pooling.MAX_ABS;
            case "mean", "block-mean", "average" -> ReportOptions.Pooling.BLOCK_MEAN;
            default -> throw JacobiException.usage("Unknown pooling '" + pooling + "'. Use max-abs or mean.");
        });
    }
}
