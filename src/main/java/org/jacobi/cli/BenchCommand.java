package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jacobi.bench.ForwardFlops;
import org.jacobi.bench.MatmulPeak;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.analysis.SampleGenerator;
import org.jacobi.analysis.SampleInputs;
import org.jacobi.attribution.AttributionMethod;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionSettings;
import org.jacobi.attribution.Baseline;
import org.jacobi.attribution.IntegrationRule;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Json;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.onnx.OnnxModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jacobi bench MODEL}: how fast Jacobians are computed, next to what the machine could do. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Time the per-sample Jacobian: warm-up runs, then repeats; prints the median.",
        "Achieved rate = directions x forward FLOPs per sample x samples / median time (ONNX models),",
        "compared with this machine's float32 matrix-multiply rate on the same runtime."})
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) or TorchScript (.pt) file.")
    Path modelPath;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE", description = "Inputs to time on (default: random normal samples).")
    List<String> inputs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "256", description = "Samples to generate when no --input is given. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "20", description = "Timed runs. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "10", description = "Untimed runs first (the JIT and ONNX Runtime settle), and at least --warmup-seconds of them. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "2", description = "Keep warming up until this much time has passed: "
        + "a run of a small model takes a fraction of a millisecond, and ten of them leave Java's JIT cold. Default: ${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--attribution", paramLabel = "METHOD", description = "Time this attribution method (as `jacobi attribute "
        + "--method`, e.g. ig or smoothgrad) of the top element of --of instead of the Jacobian: the attribution alone, "
        + "the model loaded and warm.")
    String attribution;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "50", description = "--attribution ig: integration steps "
        + "(Gauss-Legendre, zero baseline). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "50", description = "--attribution smoothgrad...: noise draws. "
        + "Default: ${DEFAULT-VALUE}.")
    int samples;

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
        if (batch < 1 || repeats < 1 || warmup < 0 || !(warmupSeconds >= 0)) {
            throw JacobiException.usage("--batch and --repeats must be at least 1, --warmup and --warmup-seconds at least 0.");
        }
        PrintWriter out = spec.commandLine().getOut();
        jacobianOptions.request(Map.of());
        try (Model model = modelOptions.load(modelPath);
             JacobianEngine engine = Jacobians.engineFor(model)) {
            Map<String, Tensor> values = inputs == null || inputs.isEmpty()
                ? SampleInputs.generate(model.info(), batch, SampleGenerator.Kind.NORMAL, 1)
                : inputFiles.bind(model, inputs, null);
            if (attribution != null) {
                benchAttribution(model, values, out);
                return 0;
            }
            JacobianRequest request = jacobianOptions.request(values);
            JacobianResult[] last = new JacobianResult[1];
            double medianSeconds = medianSeconds(() -> last[0] = engine.compute(request, ProgressMonitor.NONE));
            report(model, values, last[0], medianSeconds, out);
        }
        return 0;
    }

    /** Warm-up runs of {@code work} (at least --warmup, for at least --warmup-seconds), then the median of --repeats timed runs. */
    private double medianSeconds(Runnable work) {
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmup || System.nanoTime() < warmupEnd; i++) {
            work.run();
        }
        long[] times = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            work.run();
            times[i] = System.nanoTime() - t0;
        }
        Arrays.sort(times);
        return (repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2.0) / 1e9;
    }

    /** Times attribution method --attribution of the top element of --of (the first output by default) on every sample. */
    private void benchAttribution(Model model, Map<String, Tensor> values, PrintWriter out) {
        AttributionSettings d = AttributionSettings.defaults();
        AttributionSettings settings = new AttributionSettings(steps, IntegrationRule.GAUSS_LEGENDRE, Baseline.zero(), false, samples,
            d.noise(), d.seed(), null, null, d.window(), d.stride(), d.fill(), d.metricSamples(), d.sensitivityRadius(), d.curveSteps(),
            d.block(), d.layer(), d.relu());
        AttributionMethod method = settings.method(attribution);
        long budget = jacobianOptions.maxMemory == null ? 0 : SizeParser.parseBytes(jacobianOptions.maxMemory, "--max-memory");
        OutputTarget target = OutputTarget.parse(jacobianOptions.of == null ? null : jacobianOptions.of + "[top]", null, null);
        try (ModelDerivatives derivatives = new ModelDerivatives(model)) {
            AttributionProblem problem = AttributionProblem.of(model, derivatives.exact(), values, jacobianOptions.wrt, target, false,
                budget, jacobianOptions.batchAxis.rule());
            double medianSeconds = medianSeconds(() -> method.attribute(problem, 0, ProgressMonitor.NONE));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method.name());
            m.put("target", problem.describeTarget());
            m.put("parameters", method.parameters());
            m.put("samples", problem.samples());
            m.put("samples_per_second", problem.samples() / medianSeconds);
            m.put("median_ms", medianSeconds * 1e3);
            m.put("repeats", repeats);
            m.put("engine", derivatives.exact().name());
            m.put("device", model.device());
            if (json) {
                out.println(Json.writeCompact(m));
            } else {
                out.printf(Locale.ROOT, "%s: %s of %s, median %.2f ms for %d samples (%d repeats), %s on %s%n", model.info().fileName(),
                    method.name(), problem.describeTarget(), medianSeconds * 1e3, problem.samples(), repeats,
                    derivatives.exact().name(), model.device());
            }
        }
    }

    private void report(Model model, Map<String, Tensor> values, JacobianResult last, double medianSeconds, PrintWriter out) {
        int samples = last.samples();
        double rate = samples / medianSeconds;
        double flopsPerSample = model instanceof OnnxModel onnx ? ForwardFlops.count(onnx, values) / Math.max(1, samples) : Double.NaN;
        // Mixed mode is rated against the cheaper pure mode's work, the roofline's reference.
        long directions = last.mode() == JacobianMode.FORWARD ? last.inputsPerSample()
            : last.mode() == JacobianMode.REVERSE ? last.outputsPerSample()
            : last.mode() == JacobianMode.MIXED ? Math.min(last.inputsPerSample(), last.outputsPerSample())
            : 2L * last.inputsPerSample();
        double achieved = directions * flopsPerSample * samples / medianSeconds;
        MatmulPeak.Peak peak = MatmulPeak.measure(1024, modelOptions.devicePreference());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples_per_second", rate);
        m.put("median_ms", medianSeconds * 1e3);
        m.put("mode", last.mode().name().toLowerCase(Locale.ROOT));
        m.put("device", last.device());
        m.put("exact", last.exact());
        m.put("backend", last.backend());
        m.put("samples", samples);
        m.put("repeats", repeats);
        m.put("directions", directions);
        m.put("forward_flops_per_sample", Double.isNaN(flopsPerSample) ? null : flopsPerSample);
        m.put("achieved_gflops", Double.isNaN(achieved) ? null : achieved / 1e9);
        m.put("matmul_peak_gflops", peak.flopsPerSecond() / 1e9);
        m.put("share_of_peak", Double.isNaN(achieved) ? null : achieved / peak.flopsPerSecond());
        if (json) {
            out.println(Json.writeCompact(m));
        } else {
            out.printf(Locale.ROOT, "%s: %s samples/s (median %.2f ms for %d samples, %d repeats), %s on %s%n",
                model.info().fileName(), JacobianCommand.formatRate(rate), medianSeconds * 1e3, samples, repeats,
                last.methodLabel(), last.device());
            if (Double.isNaN(achieved)) {
                out.printf(Locale.ROOT, "machine: %.1f GFLOP/s float32 matrix multiply; FLOPs of this model are not known (TorchScript)%n",
                    peak.flopsPerSecond() / 1e9);
            } else {
                out.printf(Locale.ROOT, "achieved %.2f GFLOP/s (%d directions x %.3g FLOPs/sample) = %.1f%% of the machine's %.1f GFLOP/s matrix multiply%n",
                    achieved / 1e9, directions, flopsPerSample, 100 * achieved / peak.flopsPerSecond(), peak.flopsPerSecond() / 1e9);
            }
            for (String w : last.warnings()) {
                out.println("warning: " + w);
            }
        }
    }
}
