package org.jacobi.jacobian;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Dim;
import org.jacobi.model.Model;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * A request with its defaults filled in against a model: the wrt and of names, whether axis 0 is the
 * batch, one sample's input shape and the value differentiated with respect to. Every engine starts from this, so all
 * agree on the defaults. {@code batchSymbol}: the name the model gives wrt's batch axis, or null. With {@link #resolve(Model, JacobianRequest)} wrt and of may also name values inside the
 * graph ({@link Model#intermediateValues()}); wrt's value then comes from a forward run of the model.
 */
public record ResolvedRequest(JacobianRequest request, String wrt, String of, boolean batched, int samples,
                              long[] sampleInputShape, Tensor wrtValue, String batchSymbol) {

    /** Resolves against the model's inputs and outputs only. */
    public static ResolvedRequest resolve(ModelInfo info, JacobianRequest request) {
        return resolve(info, request, List.of(), null);
    }

    /** Resolves against the model's inputs, outputs and intermediate values. */
    public static ResolvedRequest resolve(Model model, JacobianRequest request) {
        return resolve(model.info(), request, model.intermediateValues(), model);
    }

    private static ResolvedRequest resolve(ModelInfo info, JacobianRequest request, List<String> values, Model model) {
        String wrt = request.wrt();
        if (wrt == null) {
            wrt = info.inputs().stream().filter(s -> s.type() == null || s.type().isFloatingPoint())
                .map(TensorSpec::name).findFirst()
                .orElseThrow(() -> new JacobiException("The model has no floating-point input to differentiate."
                    + (values.isEmpty() ? "" : " Name a value inside it with --wrt (`jacobi info --values` lists them), "
                    + "e.g. the output of its embedding lookup.")));
        }
        TensorSpec wrtSpec = info.input(wrt);
        boolean inside = wrtSpec == null && values.contains(wrt);
        if (wrtSpec == null && !inside) {
            throw JacobiException.usage("The model has no input '" + wrt + "'. Its inputs are "
                + info.inputs().stream().map(TensorSpec::name).toList() + "." + valuesHint(info, values));
        }
        if (wrtSpec != null && wrtSpec.type() != null && !wrtSpec.type().isFloatingPoint()) {
            throw JacobiException.usage("Input '" + wrt + "' holds " + wrtSpec.typeName()
                + " values, which cannot be differentiated. Choose a floating-point input with --wrt.");
        }
        String of = request.of();
        if (of == null) {
            of = info.outputs().get(0).name();
        } else if (info.output(of) == null && !values.contains(of)) {
            throw JacobiException.usage("The model has no output '" + of + "'. Its outputs are "
                + info.outputs().stream().map(TensorSpec::name).toList() + "." + valuesHint(info, values));
        }
        Tensor x = inside ? model.run(request.inputs(), Set.of(wrt)).get(wrt) : request.inputs().get(wrt);
        if (x == null) {
            throw JacobiException.usage("No value given for input '" + wrt + "'.");
        }
        if (inside && !x.type().isFloatingPoint()) {
            throw JacobiException.usage("Value '" + wrt + "' holds " + x.type() + " values, which cannot be differentiated.");
        }
        boolean batched = x.rank() > 0 && (inside ? request.batchAxis().isBatchedInside(info, request.inputs(), x)
            : request.batchAxis().isBatched(info.format(), wrtSpec));
        long[] shape = x.shape();
        long[] sample = batched ? Arrays.copyOfRange(shape, 1, shape.length) : shape;
        int samples = batched ? (int) shape[0] : 1;
        // the name the model gives wrt's batch axis, which marks the batch axis of inputs that hold it elsewhere
        String symbol = wrtSpec != null && wrtSpec.hasDynamicLeadingAxis() ? wrtSpec.dims().get(0).symbol() : null;
        return new ResolvedRequest(request, wrt, of, batched, samples, sample, x, symbol);
    }

    /** Where to find the values inside the graph that --wrt and --of may name, or why there are none to name. */
    private static String valuesHint(ModelInfo info, List<String> values) {
        if (!values.isEmpty()) {
            return " Values inside the graph are listed by `jacobi info --values`.";
        }
        return info.format() == ModelFormat.TORCHSCRIPT ? " A TorchScript model's values inside the graph have no names to "
            + "choose; export it to ONNX to differentiate with respect to (or of) one of them." : "";
    }

    public Map<String, Tensor> inputs() {
        return request.inputs();
    }

    public int inputsPerSample() {
        return Math.toIntExact(Tensor.elementCount(sampleInputShape));
    }

    /**
     * Whether input {@code name} carries the batch axis: see {@link #batchAxisOf}. The one rule every engine, the finite
     * differences, the optimizer and the global sensitivity study slice and tile inputs by.
     */
    public boolean carriesBatch(String name, TensorSpec spec, Tensor value) {
        return batchAxisOf(name, spec, value) >= 0;
    }

    /**
     * The axis of input {@code name} that holds the samples, or -1 when it has none. wrt has it on axis 0 when the
     * request is batched; every other input on axis 0 when that axis has as many rows as there are samples, unless the
     * model fixes it ({@code spec}, null when the model does not declare the input); or else on the one axis the model
     * declares with the same name as wrt's batch axis (a state [layers, batch, hidden] exported with {@code {1: "batch"}})
     * that has as many entries as there are samples. An axis the request states for the input ({@link BatchAxis#stated})
     * wins over all of these.
     */
    public int batchAxisOf(String name, TensorSpec spec, Tensor value) {
        if (!batched || value.rank() == 0) {
            return -1;
        }
        if (name.equals(wrt)) {
            return 0;
        }
        Integer stated = request.batchAxis().stated().get(name);
        if (stated != null) {
            if (stated >= value.rank() || stated >= 0 && value.dim(stated) != samples) {
                throw JacobiException.usage("Input '" + name + "' has shape " + Tensor.shapeToString(value.shape()) + ": its axis "
                    + stated + ", stated as its batch axis, cannot hold the " + samples + " samples of '" + wrt + "'. State another "
                    + "(--batch-axis " + name + "=AXIS, or none; in the app, the Model panel).");
            }
            return stated;
        }
        if (value.dim(0) == samples && (spec == null || spec.dims() == null || spec.hasDynamicLeadingAxis())) {
            return 0;
        }
        String batchName = batchSymbol;
        if (spec == null || spec.dims() == null || batchName == null) {
            return -1;
        }
        for (int axis = 1; axis < Math.min(value.rank(), spec.dims().size()); axis++) {
            Dim d = spec.dims().get(axis);
            if (d.isDynamic() && batchName.equals(d.symbol()) && value.dim(axis) == samples) {
                return axis;
            }
        }
        return -1;
    }

    /**
     * The batch axis of each input of {@code values} that does not hold its samples on axis 0: a stated or named axis (a
     * state [layers, batch, hidden]), or -1 where the request states that it holds none. What the work that stacks samples
     * on axis 0 (attributions, global sensitivity studies) must cut or repeat on another axis, or leave whole.
     */
    public Map<String, Integer> axesOffZero(ModelInfo info, Map<String, Tensor> values) {
        Map<String, Integer> axes = new LinkedHashMap<>();
        values.forEach((name, t) -> {
            int axis = name.equals(wrt) ? (batched ? 0 : -1) : batchAxisOf(name, info.input(name), t);
            if (axis > 0 || axis < 0 && request.batchAxis().stated().containsKey(name)) {
                axes.put(name, axis);
            }
        });
        return axes;
    }

    /** Every input of {@code values}, those that carry the batch axis cut to samples {@code [from, to)}. */
    public Map<String, Tensor> sampleRows(ModelInfo info, Map<String, Tensor> values, int from, int to) {
        Map<String, Tensor> rows = new LinkedHashMap<>();
        values.forEach((name, t) -> rows.put(name, sampleRows(name, info.input(name), t, from, to)));
        return rows;
    }

    /** Input {@code name}'s samples {@code [from, to)} on its batch axis; the whole value when it has none. */
    public Tensor sampleRows(String name, TensorSpec spec, Tensor value, int from, int to) {
        int axis = batchAxisOf(name, spec, value);
        return axis < 0 || from == 0 && to == value.dim(axis) ? value : value.sliceAlong(axis, from, to);
    }

    /**
     * The entries of the whole Jacobian as the model declares output {@code of}'s shape, known before any graph work;
     * -1 when a declared dimension (other than the batch axis) is unknown or {@code of} has no declared shape.
     */
    public long declaredJacobianEntries(ModelInfo info) {
        TensorSpec spec = info.output(of);
        if (spec == null || !spec.hasShape()) {
            return -1;
        }
        List<Dim> dims = spec.dims();
        int first = batched && !dims.isEmpty() ? 1 : 0;
        double outputs = 1;
        for (Dim d : dims.subList(first, dims.size())) {
            if (!d.isFixed()) {
                return -1;
            }
            outputs *= d.size();
        }
        double entries = samples * outputs * inputsPerSample();
        return entries >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) entries;
    }

    /** Refuses, from the declared shapes alone, a whole Jacobian too large to hold ({@link JacobianArrays#requireFits}). */
    public void requireJacobianFits(ModelInfo info) {
        long entries = declaredJacobianEntries(info);
        if (entries > 0) {
            JacobianArrays.requireFits(entries);
        }
    }

    /** The exact mode to use given one sample's output element count. */
    public JacobianMode exactMode(long outputElementsPerSample) {
        JacobianMode m = request.mode();
        return m == JacobianMode.AUTO ? JacobianMode.choose(inputsPerSample(), outputElementsPerSample) : m;
    }
}
