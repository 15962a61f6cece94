package org.jacobi.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.analysis.Sensitivity;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.InputBinder;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.torch.TorchScriptModel;

/**
 * Compares two models on the same inputs: runs both, differentiates both with the engine their format gets
 * ({@link Jacobians#engineFor}), and measures how far outputs, Jacobians and input rankings move from A to B.
 *
 * <p>Model B gets model A's input values under its own names: the same name, or the one
 * {@link ComparisonRequest#mapping()} gives. Names or shapes that do not fit throw
 * {@link ModelMismatchException}, which lists both sides and suggests a mapping. The batch axis is decided
 * on model A and imposed on B, so that both Jacobians share one layout. Typical pairs: an ONNX export and
 * its TorchScript original, a float16 or pruned copy and the original, two training runs.
 *
 * <p>Reports progress over both models' work and stops with {@link org.jacobi.core.CancelledException}
 * when the monitor is cancelled. No JavaFX: call it from a background task.
 */
public final class ModelComparison {
    private static final long FORWARD = 1;
    private static final long JACOBIAN = 10;
    private static final long ANALYSIS = 1;
    private static final long TOTAL = 2 * FORWARD + 2 * JACOBIAN + ANALYSIS;

    private ModelComparison() {
    }

    /** Compares with fresh engines for both models, closed afterwards. */
    public static ComparisonResult compare(Model a, Model b, ComparisonRequest request, ProgressMonitor monitor) {
        try (JacobianEngine engineA = Jacobians.engineFor(a); JacobianEngine engineB = Jacobians.engineFor(b)) {
            return compare(a, engineA, b, engineB, request, monitor);
        }
    }

    /**
     * Compares with the given engines (e.g. the app's engine of the open model, kept for reuse).
     *
     * @param engineA an engine of model A, such as {@link Jacobians#engineFor}{@code (a)}
     * @param engineB an engine of model B
     */
    public static ComparisonResult compare(Model a, JacobianEngine engineA, Model b, JacobianEngine engineB,
                                           ComparisonRequest request, ProgressMonitor monitor) {
        report(monitor, 0, "Matching the inputs of " + a.info().fileName() + " and " + b.info().fileName());
        Map<String, String> inputPairs = pairInputs(a.info(), b.info(), request.inputs().keySet(), request.mapping());
        Map<String, Tensor> inputsB = bindInputsForB(a.info(), b, request.inputs(), inputPairs);
        if (a instanceof TorchScriptModel torch) {
            torch.resolveShapes(request.inputs()); // output names and shapes, as for B
        }
        monitor.checkCancelled();

        List<String> notes = new ArrayList<>();
        ResolvedRequest resolvedA = ResolvedRequest.resolve(a.info(), request.requestForA());
        report(monitor, 0, "Running " + a.info().fileName());
        Map<String, Tensor> outA = a.run(request.inputs());
        monitor.checkCancelled();
        report(monitor, FORWARD, "Running " + b.info().fileName());
        Map<String, Tensor> outB = b.run(inputsB);
        monitor.checkCancelled();
        Map<String, String> outputPairs = pairOutputs(a.info(), b.info(), request.mapping(), resolvedA.of(), notes);
        List<OutputDifference> outputs = new ArrayList<>();
        for (Map.Entry<String, String> pair : outputPairs.entrySet()) {
            Tensor ya = outA.get(pair.getKey());
            Tensor yb = outB.get(pair.getValue());
            if (ya == null || yb == null) {
                continue;
            }
            if (!Arrays.equals(ya.shape(), yb.shape())) {
                if (pair.getKey().equals(resolvedA.of())) {
                    throw new ModelMismatchException("Output " + pair.getKey() + " of " + a.info().fileName() + " is shaped "
                        + Tensor.shapeToString(ya.shape()) + " but " + pair.getValue() + " of " + b.info().fileName()
                        + " is " + Tensor.shapeToString(yb.shape()) + " at the same inputs: the models compute different "
                        + "things. Compare another output with --of, or pair the outputs with --map A_NAME=B_NAME.",
                        a.info().outputs(), b.info().outputs(), NameMapping.suggestOutputs(a.info(), b.info()));
                }
                notes.add("Output " + pair.getKey() + " " + Tensor.shapeToString(ya.shape()) + " and "
                    + pair.getValue() + " " + Tensor.shapeToString(yb.shape()) + " differ in shape and are not compared.");
                continue;
            }
            outputs.add(OutputDifference.of(pair.getKey(), pair.getValue(), ya, yb));
        }

        BatchAxis axis = resolvedA.batched() ? BatchAxis.ZERO : BatchAxis.NONE;
        JacobianRequest requestA = request.requestForA().withWrtOf(resolvedA.wrt(), resolvedA.of()).withBatchAxis(axis);
        JacobianRequest requestB = new JacobianRequest(inputsB, inputPairs.get(resolvedA.wrt()),
            outputPairs.get(resolvedA.of()), axis, request.mode(), request.maxMemoryBytes());
        long start = 2 * FORWARD;
        JacobianResult ja = engineA.compute(requestA, stage(monitor, start, "A: "));
        monitor.checkCancelled();
        JacobianResult jb = engineB.compute(requestB, stage(monitor, start + JACOBIAN, "B: "));
        monitor.checkCancelled();
        if (!Arrays.equals(ja.jacobian().shape(), jb.jacobian().shape())) {
            throw new JacobiException("The Jacobians differ in shape: " + Tensor.shapeToString(ja.jacobian().shape())
                + " for " + a.info().fileName() + " and " + Tensor.shapeToString(jb.jacobian().shape()) + " for "
                + b.info().fileName() + ". Check that both models take the batch on the same axis (--batch-axis).");
        }
        report(monitor, TOTAL - ANALYSIS, "Comparing the Jacobians");

        float[] fa = ja.jacobian().floats();
        float[] fb = jb.jacobian().floats();
        float[] diff = new float[fa.length];
        double maxA = 0;
        double maxB = 0;
        double maxDiff = 0;
        for (int i = 0; i < fa.length; i++) {
            double d = (double) fa[i] - (double) fb[i];
            diff[i] = (float) d;
            maxA = Math.max(maxA, Math.abs(fa[i]));
            maxB = Math.max(maxB, Math.abs(fb[i]));
            maxDiff = Double.isNaN(d) ? Double.NaN : Math.max(maxDiff, Math.abs(d));
        }
        List<String> inputLabels = ElementLabels.of(a, ja.wrt(), ja.inputsPerSample()).orElse(null);
        List<String> outputLabels = ElementLabels.of(a, ja.of(), ja.outputsPerSample()).orElse(null);
        List<RankChange> ranking = ranking(ja, jb, inputLabels);
        List<String> warnings = new ArrayList<>();
        ja.warnings().forEach(w -> warnings.add(a.info().fileName() + ": " + w));
        jb.warnings().forEach(w -> warnings.add(b.info().fileName() + ": " + w));
        for (Map.Entry<String, String> e : inputPairs.entrySet()) {
            if (!e.getKey().equals(e.getValue())) {
                notes.add("Input " + e.getKey() + " of " + a.info().fileName() + " is fed to " + e.getValue() + " of "
                    + b.info().fileName() + ".");
            }
        }
        report(monitor, TOTAL, "Comparison ready");
        return new ComparisonResult(a.info(), b.info(), request.inputs(), inputPairs, outputs, ja, jb,
            Tensor.ofFloats(diff, ja.jacobian().shape()), maxA, maxB, maxDiff, ranking, inputLabels, outputLabels,
            notes, warnings);
    }

    /** Model A's input name to model B's, or a mismatch error listing both sides. */
    static Map<String, String> pairInputs(ModelInfo a, ModelInfo b, Set<String> given, NameMapping mapping) {
        for (String name : mapping.aToB().keySet()) {
            if (a.input(name) == null && a.output(name) == null) {
                throw JacobiException.usage("--map names '" + name + "', but " + a.fileName() + " has no input or output "
                    + "of that name. Its inputs are " + NameMapping.names(a.inputs()) + ", its outputs "
                    + NameMapping.names(a.outputs()) + ".");
            }
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (TensorSpec spec : a.inputs()) {
            String bName = mapping.toB(spec.name());
            if (b.input(bName) == null) {
                missing.add(spec.name() + (bName.equals(spec.name()) ? "" : " (mapped to " + bName + ")"));
            } else if (pairs.containsValue(bName)) {
                throw JacobiException.usage("Two inputs of " + a.fileName() + " are mapped to input " + bName + " of "
                    + b.fileName() + ". Map each input to a different one.");
            } else {
                pairs.put(spec.name(), bName);
            }
        }
        List<String> unfed = b.inputs().stream().map(TensorSpec::name).filter(n -> !pairs.containsValue(n)).toList();
        if (!missing.isEmpty() || !unfed.isEmpty()) {
            NameMapping suggestion = NameMapping.suggestInputs(a, b);
            String hint = suggestion.aToB().size() == a.inputs().size() && !suggestion.asOptions().isEmpty()
                ? " Map the names, e.g. " + suggestion.asOptions() + "." : " Map model A's input names to model B's "
                + "with --map A_NAME=B_NAME.";
            throw new ModelMismatchException("The models' inputs do not match: " + a.fileName() + " takes "
                + ModelMismatchException.describe(a.inputs()) + ", " + b.fileName() + " takes "
                + ModelMismatchException.describe(b.inputs()) + "." + hint, a.inputs(), b.inputs(), suggestion);
        }
        return pairs;
    }

    /** Model A's inputs re-checked against model B's declared types and shapes, under B's names. */
    private static Map<String, Tensor> bindInputsForB(ModelInfo a, Model b, Map<String, Tensor> inputs,
                                                      Map<String, String> pairs) {
        Map<String, Tensor> forB = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            Tensor value = inputs.get(pair.getKey());
            if (value == null) {
                throw JacobiException.usage("No value given for input '" + pair.getKey() + "' of " + a.fileName() + ".");
            }
            TensorSpec specB = b.info().input(pair.getValue());
            try {
                forB.put(pair.getValue(), InputBinder.check(specB, value, "Input " + pair.getKey()));
            } catch (JacobiException e) {
                TensorSpec specA = a.input(pair.getKey());
                throw new ModelMismatchException("Input " + pair.getKey() + " of " + a.fileName() + " ("
                    + specA.typeName() + " " + specA.shapeText() + ") does not fit input " + pair.getValue() + " of "
                    + b.info().fileName() + " (" + specB.typeName() + " " + specB.shapeText() + "): " + e.getMessage()
                    + " Both models must take the same inputs; map another input with --map A_NAME=B_NAME if the "
                    + "names are paired wrongly.", a.inputs(), b.info().inputs(), NameMapping.suggestInputs(a, b.info()));
            }
        }
        if (b instanceof TorchScriptModel torch) {
            torch.resolveShapes(forB); // learns the output names and shapes from these inputs
        }
        return forB;
    }

    /**
     * Model A's output names to model B's: mapped or equal names first; when the differentiated output is
     * still unpaired and both models have as many outputs left, the rest pair in declaration order.
     */
    static Map<String, String> pairOutputs(ModelInfo a, ModelInfo b, NameMapping mapping, String of, List<String> notes) {
        Map<String, String> pairs = new LinkedHashMap<>();
        List<String> leftA = new ArrayList<>();
        for (TensorSpec spec : a.outputs()) {
            String bName = mapping.toB(spec.name());
            if (b.output(bName) != null && !pairs.containsValue(bName)) {
                pairs.put(spec.name(), bName);
            } else {
                leftA.add(spec.name());
            }
        }
        List<String> leftB = b.outputs().stream().map(TensorSpec::name).filter(n -> !pairs.containsValue(n)).toList();
        if (leftA.size() == leftB.size()) {
            for (int i = 0; i < leftA.size(); i++) {
                pairs.put(leftA.get(i), leftB.get(i));
                notes.add("Output " + leftA.get(i) + " of " + a.fileName() + " is compared with " + leftB.get(i) + " of "
                    + b.fileName() + " (paired by position; --map " + leftA.get(i) + "=NAME pairs it otherwise).");
            }
        }
        if (!pairs.containsKey(of)) {
            throw new ModelMismatchException("Output " + of + " of " + a.fileName() + " has no partner in " + b.fileName()
                + ": " + a.fileName() + " gives " + ModelMismatchException.describe(a.outputs()) + ", " + b.fileName()
                + " gives " + ModelMismatchException.describe(b.outputs()) + ". Pair them with --map " + of + "=B_NAME.",
                a.outputs(), b.outputs(), NameMapping.suggestOutputs(a, b));
        }
        // keep A's declaration order
        Map<String, String> ordered = new LinkedHashMap<>();
        for (TensorSpec spec : a.outputs()) {
            if (pairs.containsKey(spec.name())) {
                ordered.put(spec.name(), pairs.get(spec.name()));
            }
        }
        return ordered;
    }

    private static List<RankChange> ranking(JacobianResult ja, JacobianResult jb, List<String> inputLabels) {
        double[] ma = Sensitivity.meanAbsPerInput(ja);
        double[] mb = Sensitivity.meanAbsPerInput(jb);
        int[] rankA = ranks(ma);
        int[] rankB = ranks(mb);
        List<RankChange> rows = new ArrayList<>(ma.length);
        for (int i = 0; i < ma.length; i++) {
            rows.add(new RankChange(i, ComparisonResult.label(ja.wrt(), inputLabels, ja.sampleInputShape(), i), ma[i],
                mb[i], rankA[i], rankB[i]));
        }
        rows.sort(Comparator.comparingInt(RankChange::rankA));
        return rows;
    }

    /** 1-based ranks, largest value first; ties keep index order (as {@link Sensitivity#ranking} does). */
    static int[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> values[i]).reversed().thenComparingInt(i -> i));
        int[] rank = new int[values.length];
        for (int r = 0; r < order.length; r++) {
            rank[order[r]] = r + 1;
        }
        return rank;
    }

    /** Progress in thousandths of a unit, the resolution {@link #stage} reports in. */
    private static void report(ProgressMonitor monitor, long units, String message) {
        monitor.progress(units * 1000, TOTAL * 1000, message);
    }

    /** A monitor for one Jacobian: its progress fills {@link #JACOBIAN} units of the whole from {@code start}. */
    private static ProgressMonitor stage(ProgressMonitor whole, long start, String prefix) {
        return new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                double f = total > 0 ? Math.min(1, (double) done / total) : 0;
                long scaled = Math.round((start + f * JACOBIAN) * 1000);
                whole.progress(scaled, TOTAL * 1000, prefix + message);
            }

            @Override
            public boolean isCancelled() {
                return whole.isCancelled();
            }
        };
    }
}
