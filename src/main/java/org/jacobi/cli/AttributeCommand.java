package org.jacobi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jacobi.analysis.NumberLists;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.analysis.Saliency;
import org.jacobi.attribution.AttributionMethod;
import org.jacobi.attribution.AttributionOverlay;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionRunner;
import org.jacobi.attribution.AttributionSettings;
import org.jacobi.attribution.Baseline;
import org.jacobi.attribution.IntegrationRule;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.Npy;
import org.jacobi.io.TensorFiles;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code jacobi attribute MODEL --input X --method ig --of 'y[top]' --out A.npy}: attribution maps and their metrics. */
@Command(name = "attribute", mixinStandardHelpOptions = true,
    description = {"Attribute one output target to the input's elements: saliency, gradxinput, ig (Integrated Gradients), "
        + "smoothgrad, smoothgrad-sq, vargrad, gradshap, occlusion, gradcam, layer-gradxact (at a layer of an ONNX graph); "
        + "exact gradients, batched.",
        "Layout: [batch, *input_shape] per method as float32 NPY (OUT.METHOD.npy when several; [batch, targets, *input_shape] "
            + "for NAME[each]); OUT.json records every parameter, the target, Integrated Gradients' completeness gap and the metrics."})
public final class AttributeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) or TorchScript (.pt) file.")
    Path modelPath;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE", required = true,
        description = "Input values (.npy, .npz or .csv); repeat with NAME=FILE for several inputs (the others stay fixed).")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, paramLabel = "A.npy", required = true, description = "Where to write the attributions.")
    Path out;

    @Option(names = {"-m", "--method"}, paramLabel = "M[,M...]", defaultValue = "ig",
        description = "saliency, gradxinput, ig, smoothgrad, smoothgrad-sq, vargrad, gradshap, occlusion, gradcam, layer-gradxact. "
            + "Default: ${DEFAULT-VALUE}.")
    String methods = "ig";

    @Option(names = "--of", paramLabel = "TARGET",
        description = "NAME[i,j] (one element of one sample), NAME[0,10:20,:] (a region, summed), NAME[top], NAME[each] "
            + "(every element of a small output), or NAME with --target-label / --cotangent. Default: the top element of the first output.")
    String of;

    @Option(names = "--target-label", paramLabel = "LABEL", description = "The output element with this label (from the model's labels).")
    String targetLabel;

    @Option(names = "--cotangent", paramLabel = "W.npy", description = "Weights of the output's elements: attribute their weighted sum.")
    Path cotangent;

    @Option(names = "--probability",
        description = "On an output made by a final Sigmoid or Softmax: attribute the probability itself instead of the logit "
            + "before it (the default, since a saturated probability has no gradient).")
    boolean probability;

    @Option(names = "--wrt", paramLabel = "NAME", description = "The input to attribute (default: the first floating-point input).")
    String wrt;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "50", description = "ig: integration steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--rule", paramLabel = "RULE", defaultValue = "gausslegendre",
        description = "ig: gausslegendre, riemann-left, riemann-right, riemann-middle, riemann-trapezoid. Default: ${DEFAULT-VALUE}.")
    String rule;

    @Option(names = "--baseline", paramLabel = "zero|blur|uniform|mean|FILE", defaultValue = "zero",
        description = "ig: the reference input. Default: ${DEFAULT-VALUE}.")
    String baseline;

    @Option(names = "--blur-sigma", paramLabel = "PX", defaultValue = "5", description = "--baseline blur: the Gaussian's sigma in pixels. Default: ${DEFAULT-VALUE}.")
    double blurSigma;

    @Option(names = "--abs", description = "saliency, smoothgrad...: the absolute gradient.")
    boolean absolute;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "50",
        description = "smoothgrad, smoothgrad-sq, vargrad: noise draws; gradshap: draws per sample. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--noise", paramLabel = "SIGMA", defaultValue = "0.15",
        description = "Noise standard deviation as a fraction of each sample's value range (smoothgrad..., infidelity). Default: ${DEFAULT-VALUE}.")
    double noise;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of every random draw. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--noise-file", paramLabel = "N.npy", description = "The noise to add, [draws, *one sample's shape], instead of drawing it.")
    Path noiseFile;

    @Option(names = "--baselines", paramLabel = "FILE", description = "gradshap: baseline samples [count, *one sample's shape].")
    Path baselines;

    @Option(names = "--window", paramLabel = "D1,D2,...", defaultValue = "1",
        description = "occlusion: the window per axis of one sample, e.g. 1,4,4 (one number: every axis). Default: ${DEFAULT-VALUE}.")
    String window;

    @Option(names = "--stride", paramLabel = "D1,D2,...", description = "occlusion: the step per axis (default: the window).")
    String stride;

    @Option(names = "--fill", paramLabel = "V", defaultValue = "0",
        description = "occlusion, deletion, insertion: the value that replaces removed elements. Default: ${DEFAULT-VALUE}.")
    double fill;

    @Option(names = "--layer", paramLabel = "VALUE", description = "gradcam, layer-gradxact: the feature map, a value of the ONNX "
        + "graph (`jacobi info --values` lists them). Default: the last convolution's output.")
    String layer;

    @Option(names = "--relu", description = "gradcam: keep only the positive part, as the original Grad-CAM (Captum's relu_attributions; "
        + "off by default, as in Captum).")
    boolean relu;

    @Option(names = "--metrics", paramLabel = "M[,M...]", description = "infidelity, sensitivity, deletion, insertion (per sample, in OUT.json).")
    String metrics;

    @Option(names = "--metric-samples", paramLabel = "N", defaultValue = "10",
        description = "infidelity, sensitivity: perturbations per sample. Default: ${DEFAULT-VALUE}.")
    int metricSamples;

    @Option(names = "--curve-steps", paramLabel = "N", defaultValue = "20", description = "deletion, insertion: curve points after the first. Default: ${DEFAULT-VALUE}.")
    int curveSteps;

    @Option(names = "--block", paramLabel = "PX", defaultValue = "0",
        description = "deletion, insertion: block side in pixels for images (default: 1/16 of the larger side).")
    int block;

    @Option(names = "--png", paramLabel = "DIR", description = "Also write each sample's attribution over its image (image inputs [C, H, W]).")
    Path pngDir;

    @Option(names = "--max-memory", paramLabel = "SIZE",
        description = "Memory budget for one batched pass, e.g. 512M or 2G (default: a quarter of the Java heap).")
    String maxMemory;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Attribute every sample of a data set as an Apache Spark "
        + "job on this master (--input TABLE|NPY-FOLDER; one method, ONNX models of one input): the samples' attributions "
        + "as shards in OUT.samples/, the mean, mean absolute and spread per element in OUT (NPY) and OUT.json; see docs/scale.md.")
    String spark;

    @Mixin
    BatchAxisOption batchAxis;

    @Mixin
    OutputOptions output;

    @Mixin
    InputFileOptions inputFiles;

    @Mixin
    ModelOptions modelOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        BatchAxis rule = batchAxis.rule();
        if (spark != null) {
            if (!rule.equals(BatchAxis.AUTO) && !rule.equals(BatchAxis.ZERO)) {
                throw JacobiException.usage("--spark attributes the rows of a table, each row one sample on axis 0: leave out "
                    + "--batch-axis, or attribute without --spark.");
            }
            return SparkSupport.attributionRunner().run(this);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        long budget = maxMemory == null ? 0 : SizeParser.parseBytes(maxMemory, "--max-memory");
        AttributionSettings settings = settings();
        List<AttributionMethod> chosen = settings.methods(methods);
        List<String> metricNames = AttributionSettings.metrics(metrics);
        List<Path> files = new ArrayList<>();
        for (AttributionMethod m : chosen) {
            files.add(chosen.size() == 1 ? out : methodFile(out, m.name()));
        }
        Path json = Path.of(out + ".json");
        for (Path f : concat(files, json)) {
            if (!output.force && Files.exists(f)) {
                throw JacobiException.usage(f + " already exists. Choose another name, or pass --force to replace it.");
            }
        }
        OutputTarget target = OutputTarget.parse(of, targetLabel, cotangent == null ? null : TensorFiles.readSingle(cotangent));
        try (Model model = modelOptions.load(modelPath); ModelDerivatives derivatives = new ModelDerivatives(model)) {
            Map<String, Tensor> bound = inputFiles.bind(model, inputs, output.quiet ? null : stderr);
            AttributionProblem problem = AttributionProblem.of(model, derivatives.exact(), bound, wrt, target, probability, budget, rule);
            if (pngDir != null && !Saliency.isImageShaped(problem.sampleShape())) {
                throw JacobiException.usage("--png needs an image-shaped input [C, H, W]; '" + problem.wrt() + "' has "
                    + Tensor.shapeToString(problem.sampleShape()) + " per sample.");
            }
            ProgressMonitor monitor = output.quiet ? ProgressMonitor.NONE : new JacobianCommand.ConsoleProgress(stderr);
            List<AttributionRunner.Result> results = new ArrayList<>();
            for (AttributionMethod m : chosen) {
                results.add(AttributionRunner.run(m, problem, metricNames, settings, monitor));
            }
            if (monitor instanceof JacobianCommand.ConsoleProgress console) {
                console.finish();
            }
            for (int k = 0; k < results.size(); k++) {
                Npy.write(files.get(k), results.get(k).values(), output.force);
            }
            String meta = Json.write(metadata(model, derivatives, problem, results, files));
            AtomicFiles.write(json, true, o -> o.write(meta.getBytes(StandardCharsets.UTF_8)));
            if (pngDir != null) {
                writePngs(problem, results);
            }
            if (!output.quiet) {
                for (int k = 0; k < results.size(); k++) {
                    AttributionRunner.Result r = results.get(k);
                    String note = problem.differentiated().commandLineNote();
                    stdout.println(String.format(Locale.ROOT, "%s of %s%s: %d sample%s, %.1f ms -> %s %s", r.method(),
                        problem.target().describe(0), note == null ? "" : " [" + note + "]", problem.samples(), problem.samples() == 1 ? "" : "s", r.seconds() * 1e3,
                        files.get(k), Tensor.shapeToString(r.values().shape())));
                }
            }
        }
        return 0;
    }

    private AttributionSettings settings() {
        int[] w = sizes(window, "--window");
        int[] st = stride == null ? w : sizes(stride, "--stride");
        return new AttributionSettings(steps, IntegrationRule.parse(rule), Baseline.parse(baseline, blurSigma, seed), absolute, samples,
            noise, seed, noiseFile == null ? null : TensorFiles.readSingle(noiseFile),
            baselines == null ? null : TensorFiles.readSingle(baselines), w, st, fill, metricSamples, 0.02, curveSteps, block, layer, relu);
    }

    /** Whole positive numbers per axis, e.g. 1,4,4. */
    static int[] sizes(String text, String option) {
        double[] values = NumberLists.parseList(text, option + " size");
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || values[i] < 1) {
                throw JacobiException.usage(option + " '" + text + "' needs whole numbers of at least 1, e.g. 1,4,4.");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    /** {@code A.npy} and {@code ig} give {@code A.ig.npy}. */
    static Path methodFile(Path out, String method) {
        String name = out.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return out.resolveSibling(stem + "." + method + ".npy");
    }

    private void writePngs(AttributionProblem problem, List<AttributionRunner.Result> results) {
        try {
            Files.createDirectories(pngDir);
        } catch (IOException e) {
            throw new JacobiException("Could not create the folder " + pngDir + ": " + e.getMessage() + ".", e);
        }
        int n = problem.perSample();
        double[] x = problem.xValues();
        int targets = problem.target().targets();
        for (AttributionRunner.Result r : results) {
            float[] v = r.values().floats();
            for (int s = 0; s < problem.samples(); s++) {
                for (int t = 0; t < targets; t++) {
                    double[] a = new double[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = v[(s * targets + t) * n + i];
                    }
                    String name = r.method() + ".s" + s + (targets > 1 ? ".t" + t : "") + ".png";
                    AttributionOverlay.writePng(pngDir.resolve(name), Arrays.copyOfRange(x, s * n, (s + 1) * n), a,
                        problem.sampleShape(), output.force);
                }
            }
        }
    }

    private Map<String, Object> metadata(Model model, ModelDerivatives derivatives, AttributionProblem problem,
                                         List<AttributionRunner.Result> results, List<Path> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.info().path().toString());
        m.put("inputs", inputs);
        m.put("wrt", problem.wrt());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("of", of);
        t.put("target_label", targetLabel);
        t.put("cotangent", cotangent == null ? null : cotangent.toString());
        t.put("output", problem.differentiated().output());
        t.put("differentiated", problem.target().output());
        t.put("differentiated_note", problem.differentiated().note());
        List<String> described = new ArrayList<>();
        for (int k = 0; k < problem.target().targets(); k++) {
            described.add(problem.target().describe(k));
        }
        t.put("targets", described);
        m.put("target", t);
        m.put("layout", problem.target().targets() == 1 ? "[batch, *input_shape]" : "[batch, targets, *input_shape]");
        m.put("samples", problem.samples());
        m.put("engine", derivatives.exact().name());
        m.put("device", model.device());
        m.put("exact", true);
        m.put("max_memory_bytes", problem.maxMemoryBytes());
        List<Object> methodsJson = new ArrayList<>();
        for (int k = 0; k < results.size(); k++) {
            AttributionRunner.Result r = results.get(k);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("method", r.method());
            e.put("file", files.get(k).toString());
            e.put("shape", r.values().shape());
            e.put("parameters", r.parameters());
            e.put("seconds", r.seconds());
            if (r.completenessGap() != null) {
                e.put("completeness_gap", perTarget(r.completenessGap()));
            }
            Map<String, Object> metricsJson = new LinkedHashMap<>();
            r.metrics().forEach((name, values) -> metricsJson.put(name, perTarget(values)));
            if (!metricsJson.isEmpty()) {
                Map<String, Object> settingsJson = new LinkedHashMap<>();
                settingsJson.put("metric_samples", metricSamples);
                settingsJson.put("infidelity_noise", noise);
                settingsJson.put("sensitivity_radius", 0.02);
                settingsJson.put("curve_steps", curveSteps);
                settingsJson.put("block", AttributionRunner.block(problem, settings()));
                settingsJson.put("fill", fill);
                settingsJson.put("seed", seed);
                e.put("metric_settings", settingsJson);
                e.put("metrics", metricsJson);
            }
            Map<String, Object> curvesJson = new LinkedHashMap<>();
            r.curves().forEach((name, values) -> curvesJson.put(name, values.length == 1 ? List.of(values[0])
                : Arrays.stream(values).map(List::of).toList()));
            if (!curvesJson.isEmpty()) {
                e.put("curves", curvesJson);
            }
            methodsJson.add(e);
        }
        m.put("methods", methodsJson);
        return m;
    }

    /** Per sample for one target, per target and sample for several. */
    private static Object perTarget(double[][] values) {
        return values.length == 1 ? values[0] : List.of(values);
    }

    private static List<Path> concat(List<Path> files, Path json) {
        List<Path> all = new ArrayList<>(files);
        all.add(json);
        return all;
    }
}
