package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.io.Npz;
import org.jacobi.io.TensorFiles;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.optim.IterationRecord;
import org.jacobi.optim.LbfgsOptimizer;
import org.jacobi.optim.LevenbergMarquardtOptimizer;
import org.jacobi.optim.ModelFunction;
import org.jacobi.optim.OptimizationMethod;
import org.jacobi.optim.OptimizationProblem;
import org.jacobi.optim.OptimizationResult;
import org.jacobi.optim.Optimizer;
import org.jacobi.optim.Target;
import org.jacobi.optim.TraceCsv;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jacobi optimize MODEL ...}: find the input that gives a target output, by Gauss-Newton and/or L-BFGS. */
@Command(name = "optimize", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Find an input near sample K that makes the model produce a target output: minimise "
        + "0.5 ||f(x) - t||^2 + 0.5 alpha ||x - x0||^2 over one input sample, by Gauss-Newton with Levenberg-Marquardt "
        + "damping (gn), L-BFGS with a strong Wolfe line search (lbfgs), or both side by side.",
    footer = {"",
        "Outputs: --out gets the optimized sample (the input's element type, shape [1, ...] with a batch axis).",
        "With --method both: --out x.npy writes x.gn.npy and x.lbfgs.npy; an --out ending in .npz holds one array "
            + "per method, named gn and lbfgs.",
        "",
        "The trace CSV has one row per iteration of each method, starting with iteration 0 (the start), and the "
            + "columns method,iteration,cost,cost_change,grad_norm,step_norm,gain_ratio,line_search_evals,damping,"
            + "step_size,accepted,time_ms (grad_norm: max norm of the projected gradient; time_ms: since the method "
            + "started).",
        "",
        "Example: jacobi optimize model.onnx --input x.npy --sample 0 --target t.npy --method both --out x.npy "
            + "--trace trace.csv"})
public final class OptimizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) or TorchScript (.pt) file.")
    Path modelPath;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE", required = true,
        description = "Input data: tensor files (.npy, .npz, .csv), photos or WAV clips; repeat for models with several inputs.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--sample", paramLabel = "K", defaultValue = "0", description = "Which sample of the batch to start from. Default: ${DEFAULT-VALUE}.")
    int sample;

    @Option(names = "--wrt", paramLabel = "NAME", description = "The input to optimize (default: the first floating-point input); other inputs keep sample K's values.")
    String wrt;

    @Option(names = "--of", paramLabel = "NAME", description = "The output to steer (default: the first output).")
    String of;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TargetOptions target;

    static final class TargetOptions {
        @Option(names = "--target", paramLabel = "FILE", required = true,
            description = "The output wanted for sample K: a file with one value per output element (e.g. t.npy).")
        Path file;

        @Option(names = "--target-class", paramLabel = "C", required = true,
            description = "For classifiers: make class C win by --margin over every other output.")
        Integer targetClass;
    }

    @Option(names = "--margin", paramLabel = "M", defaultValue = "1.0",
        description = "With --target-class: how far class C must lead every other output. Default: ${DEFAULT-VALUE} (use less than 1 for probability outputs).")
    double margin;

    @Option(names = "--method", paramLabel = "gn|lbfgs|both", defaultValue = "both", description = "Which optimizer. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "100", description = "Iterations per method (Gauss-Newton counts rejected steps). Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0", description = "Weight of 0.5 ||x - x0||^2, which keeps x near the start. Default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--lower", paramLabel = "L", description = "Lower bound for every element, e.g. 0 for pixels.")
    Double lower;

    @Option(names = "--upper", paramLabel = "U", description = "Upper bound for every element, e.g. 1 for pixels.")
    Double upper;

    @Option(names = "--mask", paramLabel = "FILE", description = "Shaped like one input sample: elements that are nonzero stay fixed at their start value.")
    Path mask;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "Where to write the optimized sample (.npy or .npz).")
    Path out;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write the per-iteration trace as CSV.")
    Path trace;

    @Option(names = "--force", description = "Replace output files that exist.")
    boolean force;

    @Option(names = "--history", paramLabel = "N", defaultValue = "100", description = "L-BFGS history size. Default: ${DEFAULT-VALUE}.")
    int history;

    @Option(names = "--tolerance-grad", paramLabel = "G", defaultValue = "1e-7", description = "L-BFGS: stop when the max norm of the gradient is at most G. Default: ${DEFAULT-VALUE}.")
    double toleranceGrad;

    @Option(names = "--tolerance-change", paramLabel = "C", defaultValue = "1e-9", description = "L-BFGS: stop when the cost changes by less than C relative to max(|cost|, 1) (SciPy's ftol), or the step by less than C. Default: ${DEFAULT-VALUE}.")
    double toleranceChange;

    @Option(names = "--damping", paramLabel = "TAU", defaultValue = "1e-3", description = "Gauss-Newton: initial damping mu0 = TAU * max diag(J^T J). Default: ${DEFAULT-VALUE}.")
    double damping;

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
        List<Optimizer> optimizers = optimizers();
        Map<OptimizationMethod, Path> outFiles = outputFiles(optimizers);
        if (!force) {
            List<Path> planned = new ArrayList<>(new LinkedHashSet<>(outFiles.values()));
            if (trace != null) {
                planned.add(trace);
            }
            for (Path p : planned) {
                if (Files.exists(p)) {
                    throw JacobiException.usage(p + " already exists. Choose another name, or pass --force to replace it.");
                }
            }
        }
        try (Model model = modelOptions.load(modelPath); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Map<String, Tensor> bound = inputFiles.bind(model, inputs, spec.commandLine().getErr());
            ModelFunction function = ModelFunction.create(model, engine, bound, wrt, of, sample, batchAxis.rule());
            OptimizationProblem problem = problem(function);
            if (!function.exactDerivatives()) {
                stdout.println("Note: derivatives by " + function.derivativeSource()
                    + "; the attainable precision is limited.");
            }
            List<IterationRecord> records = new ArrayList<>();
            Map<OptimizationMethod, OptimizationResult> results = new LinkedHashMap<>();
            for (Optimizer optimizer : optimizers) {
                OptimizationResult r = optimizer.optimize(problem, (rec, x) -> {
                }, ProgressMonitor.NONE);
                records.addAll(r.records());
                results.put(optimizer.method(), r);
                stdout.println(r.summary());
            }
            if (function.warning() != null) {
                stdout.println("Note: " + function.warning());
            }
            if (out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")) {
                Map<String, Tensor> arrays = new LinkedHashMap<>();
                results.forEach((m, r) -> arrays.put(m.id(), function.toInputTensor(r.x())));
                Npz.write(out, arrays, force);
                stdout.println("Wrote " + out + " (arrays " + String.join(", ", arrays.keySet()) + ").");
            } else {
                for (Map.Entry<OptimizationMethod, OptimizationResult> e : results.entrySet()) {
                    Path file = outFiles.get(e.getKey());
                    Npy.write(file, function.toInputTensor(e.getValue().x()), force);
                    stdout.println("Wrote " + file + ".");
                }
            }
            if (trace != null) {
                TraceCsv.write(trace, records, force);
                stdout.println("Wrote " + trace + " (" + records.size() + " rows).");
            }
        }
        return 0;
    }

    private List<Optimizer> optimizers() {
        if (maxIterations < 1) {
            throw JacobiException.usage("--max-iter must be at least 1, not " + maxIterations + ".");
        }
        LevenbergMarquardtOptimizer gn = new LevenbergMarquardtOptimizer().withMaxIterations(maxIterations)
            .withInitialDampingFactor(damping);
        LbfgsOptimizer lbfgs = new LbfgsOptimizer().withMaxIterations(maxIterations).withHistorySize(history)
            .withToleranceGrad(toleranceGrad).withToleranceChange(toleranceChange);
        if (method.equalsIgnoreCase("both")) {
            return List.of(gn, lbfgs);
        }
        return List.of(OptimizationMethod.parse(method) == OptimizationMethod.GAUSS_NEWTON ? gn : lbfgs);
    }

    /** x.npy for one method; x.gn.npy and x.lbfgs.npy for both; the one .npz file either way. */
    private Map<OptimizationMethod, Path> outputFiles(List<Optimizer> optimizers) {
        Map<OptimizationMethod, Path> files = new LinkedHashMap<>();
        String name = out.getFileName().toString();
        boolean npz = name.toLowerCase(Locale.ROOT).endsWith(".npz");
        if (!npz && !name.toLowerCase(Locale.ROOT).endsWith(".npy")) {
            throw JacobiException.usage("--out " + out + ": give a .npy or .npz file name.");
        }
        for (Optimizer o : optimizers) {
            if (npz || optimizers.size() == 1) {
                files.put(o.method(), out);
            } else {
                String stem = name.substring(0, name.length() - 4);
                files.put(o.method(), out.resolveSibling(stem + "." + o.method().id() + ".npy"));
            }
        }
        return files;
    }

    private OptimizationProblem problem(ModelFunction function) {
        Target t;
        if (target.file != null) {
            Tensor values = TensorFiles.readSingle(target.file);
            if (values.size() != function.outputSize()) {
                throw JacobiException.usage(target.file + " holds " + values.size() + " values " + Tensor.shapeToString(values.shape())
                    + " but one sample of output '" + function.of() + "' has " + function.outputSize() + " "
                    + Tensor.shapeToString(function.outputShape()) + ". Give the target for one sample.");
            }
            if (values.indexOfNonFinite() >= 0) {
                throw JacobiException.usage(target.file + " contains NaN or infinite values. Give finite target values.");
            }
            t = Target.values(values.toDoubleArray());
        } else {
            t = Target.classMargin(target.targetClass, margin);
        }
        OptimizationProblem p = OptimizationProblem.of(function, t, function.start()).withAlpha(alpha);
        if (lower != null || upper != null) {
            p = p.withBounds(lower == null ? Double.NEGATIVE_INFINITY : lower, upper == null ? Double.POSITIVE_INFINITY : upper);
        }
        if (mask != null) {
            Tensor m = TensorFiles.readSingle(mask);
            if (m.size() != function.inputSize()) {
                throw JacobiException.usage(mask + " holds " + m.size() + " values but one sample of input '" + function.wrt()
                    + "' has " + function.inputSize() + ". Give a mask shaped like one input sample.");
            }
            boolean[] fixed = new boolean[m.size()];
            for (int i = 0; i < fixed.length; i++) {
                fixed[i] = m.getDouble(i) != 0;
            }
            p = p.withFixed(fixed);
        }
        return p;
    }
}
