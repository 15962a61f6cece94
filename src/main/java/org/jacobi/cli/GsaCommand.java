package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.gsa.DesignKind;
import org.jacobi.gsa.GsaMethod;
import org.jacobi.gsa.GsaResult;
import org.jacobi.gsa.GsaRunner;
import org.jacobi.gsa.GsaSetup;
import org.jacobi.gsa.GsaStudy;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jacobi gsa MODEL --dist ... --method sobol,dgsm,morris --samples N --out indices.json}. */
@Command(name = "gsa", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Global sensitivity study: how much each element of an input drives each output element over the "
        + "whole range of the inputs. Sobol' first-order and total indices with bootstrap 95 %% intervals, DGSM from "
        + "exact Jacobians (with the bound on the total index), Morris screening.",
        "Distributions (--dist, repeatable, later ones win): uniform:a,b  normal:mu,sigma  truncnormal:mu,sigma,a,b  "
            + "lognormal:mu,sigma  triangular:a,mode,b  around:PERCENT (of the --input sample)  data:FILE (each "
            + "element's column)  fixed[:VALUE]. Prefix ELEMENT= for one element: a flat index (3), a range (2-5), a "
            + "label (speed), or several joined by + .",
        "Output: .json (arrays indexed [output][input], convergence as N doubles) or .csv (one row per index).",
        "Example: jacobi gsa model.onnx --dist uniform:-3.14159,3.14159 --method sobol,dgsm --samples 16384 --out indices.json"})
public final class GsaCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) or TorchScript (.pt) file.")
    Path modelPath;

    @Option(names = "--wrt", paramLabel = "NAME", description = "The input to vary (default: the first floating-point input).")
    String wrt;

    @Option(names = "--of", paramLabel = "NAME", description = "The output to analyse, all its elements (default: the first output).")
    String of;

    @Option(names = "--dist", paramLabel = "SPEC", description = "A distribution: for all elements, or ELEMENT=SPEC for one.")
    List<String> dists = new ArrayList<>();

    @Option(names = "--method", paramLabel = "LIST", description = "sobol, dgsm and/or morris, comma separated. Default: sobol.")
    String methods;

    @Option(names = "--samples", paramLabel = "N", description = "Base sample count N: Sobol' runs the model N (d + 2) times, "
        + "DGSM computes N Jacobians. Powers of two suit the Sobol' design. Default: 4096.")
    String samples;

    @Option(names = "--design", paramLabel = "sobol|lhs|mc", description = "Scrambled Sobol' points, Latin hypercube or "
        + "Monte Carlo. Default: sobol.")
    String design;

    @Option(names = "--seed", paramLabel = "S", description = "Seeds the design, scrambling and bootstrap: the same seed "
        + "gives the same numbers. Default: 0.")
    Long seed;

    @Option(names = "--bootstrap", paramLabel = "B", description = "Bootstrap replicates for the Sobol' intervals. Default: 100.")
    Integer bootstrap;

    @Option(names = "--trajectories", paramLabel = "R", description = "Morris trajectories (d + 1 runs each). Default: min(N, 100).")
    Integer trajectories;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE",
        description = "A reference sample for around, fixed and the model's other inputs (.npy, .npz, .csv, a photo or a WAV clip).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--sample", paramLabel = "K", description = "Which sample of --input is the reference. Default: 0.")
    Integer sample;

    @Option(names = "--study", paramLabel = "FILE.json", description = "Load the study from a file; options given here override it.")
    Path studyFile;

    @Option(names = "--save-study", paramLabel = "FILE.json", description = "Also save the study, to run it again or open it in the app.")
    Path saveStudy;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Memory budget for one batch of model runs, e.g. 512M "
        + "(default: a quarter of the Java heap).")
    String maxMemory;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Run the study as an Apache Spark job on this master: "
        + "local[N], spark://HOST:PORT, yarn (ONNX models; see docs/scale.md). Same output.")
    String spark;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
        description = "With --spark: partitions per method (default: Spark's default parallelism).")
    int partitions;

    @Option(names = {"-o", "--out"}, paramLabel = "indices.json|indices.csv", required = true, description = "Where to write the indices.")
    Path out;

    @Mixin
    OutputOptions output;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    InputFileOptions inputFiles;

    @Mixin
    BatchAxisOption batchAxis;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = name.endsWith(".csv");
        if (!csv && !name.endsWith(".json")) {
            throw JacobiException.usage("--out must end in .json or .csv, not " + out.getFileName() + ".");
        }
        if (!output.force && out.toFile().exists()) {
            throw JacobiException.usage(out + " already exists. Choose another name, or pass --force to replace it.");
        }
        long budget = maxMemory == null ? 0 : SizeParser.parseBytes(maxMemory, "--max-memory");
        BatchAxis rule = batchAxis.rule();
        GsaStudy study = study();
        String master = SparkSupport.master(spark);
        SparkSupport.StudyRunner onSpark = master == null ? null : SparkSupport.studyRunner(modelPath);
        try (Model model = modelOptions.load(modelPath); JacobianEngine engine = Jacobians.engineFor(model)) {
            List<String> referenceFiles = !inputs.isEmpty() ? inputs
                : study.reference() != null ? List.of(study.reference().split(";")) : List.of();
            Map<String, Tensor> reference = referenceFiles.isEmpty() ? null : inputFiles.bind(model, referenceFiles, output.quiet ? null : stderr);
            Path baseDir = studyFile != null && studyFile.toAbsolutePath().getParent() != null && dists.isEmpty()
                ? studyFile.toAbsolutePath().getParent() : null;
            GsaSetup.Prepared prepared = GsaSetup.prepare(study, model, engine, reference, baseDir, budget, rule);
            if (onSpark != null && !prepared.evaluator().heldAxes().isEmpty()) {
                String held = prepared.evaluator().heldAxes().keySet().iterator().next();
                throw JacobiException.usage("gsa --spark holds the inputs it does not vary inside the graph with their sample on "
                    + "axis 0, and '" + held + "' keeps its sample elsewhere (--batch-axis): run the study without --spark.");
            }
            ProgressMonitor monitor = output.quiet ? ProgressMonitor.NONE : new JacobianCommand.ConsoleProgress(stderr);
            GsaResult result = onSpark == null ? GsaRunner.run(prepared, monitor)
                : onSpark.run(prepared, modelPath, spark, partitions, budget, monitor);
            if (monitor instanceof JacobianCommand.ConsoleProgress console) {
                console.finish();
            }
            for (String warning : result.warnings()) {
                stderr.println("jacobi: warning: " + warning);
            }
            String text = csv ? result.toCsv() : Json.write(result.toJson()) + "\n";
            AtomicFiles.write(out, output.force, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
            if (saveStudy != null) {
                prepared.plan().study().save(saveStudy);
            }
            if (!output.quiet) {
                stdout.println(result.summary() + " -> " + out);
            }
        }
        return 0;
    }

    /** The study from --study (if any) with the options given on the command line laid over it. */
    GsaStudy study() {
        int n = samples == null ? -1 : parseSamples(samples);
        GsaStudy base = studyFile != null ? GsaStudy.load(studyFile) : null;
        if (base == null) {
            base = GsaStudy.of(null, null, List.of(), methods == null ? EnumSet.of(GsaMethod.SOBOL)
                : GsaMethod.parseList(methods), n > 0 ? n : 4096);
        }
        GsaStudy s = base.withModel(modelPath.toString(), wrt != null ? wrt : base.wrt(), of != null ? of : base.of());
        if (!dists.isEmpty()) {
            s = s.withDistributions(dists);
        }
        if (methods != null) {
            s = s.withMethods(GsaMethod.parseList(methods));
        }
        if (n > 0) {
            s = s.withSamples(n);
        }
        if (design != null || seed != null) {
            s = s.withDesign(design != null ? DesignKind.parse(design) : s.design(), seed != null ? seed : s.seed());
        }
        if (bootstrap != null || trajectories != null) {
            s = s.withBootstrap(bootstrap != null ? bootstrap : s.bootstrap(), trajectories != null ? trajectories : s.trajectories());
        }
        if (!inputs.isEmpty() || sample != null) {
            s = s.withReference(inputs.isEmpty() ? s.reference() : String.join(";", inputs),
                sample != null ? sample : s.referenceSample());
        }
        if (s.distributions().isEmpty()) {
            throw JacobiException.usage("Give each input element a distribution, e.g. --dist uniform:0,1 for all "
                + "or --dist 3=normal:0,0.1 for element 3.");
        }
        return s;
    }

    static int parseSamples(String text) {
        try {
            int n = Integer.parseInt(text.strip().replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw JacobiException.usage("--samples must be a positive whole number (e.g. 4096), not '" + text + "'.");
    }
}
