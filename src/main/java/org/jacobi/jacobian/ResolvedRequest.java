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
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * A request with its defaults filled in against a model: the wrt and of names, whether axis 0 is the
 * batch, one sample's input shape and the value differentiated with respect to. Every engine starts from this, so all
 * agree on the defaults. With {@link #resolve(Model, JacobianRequest)} wrt and of may also name values inside the
 * graph ({@link Model#intermediateValues()}); wrt's value then comes from a forward run of the model.
 */
public record ResolvedRequest(JacobianRequest request, String wrt, String of, boolean batched, int samples,
                              long[] sampleInputShape, Tensor wrtValue) {

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
                + info.inputs().stream().map(TensorSpec::name).toList() + "."
                + (values.isEmpty() ? "" : " Values inside the graph are listed by `jacobi info --values`."));
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
                + info.outputs().stream().map(TensorSpec::name).toList() + "."
                + (values.isEmpty() ? "" : " Values inside the graph are listed by `jacobi info --values`."));
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
        return new ResolvedRequest(request, wrt, of, batched, samples, sample, x);
    }

    public Map<String, Tensor> inputs() {
        return request.inputs();
    }

    public int inputsPerSample() {
        return Math.toIntExact(Tensor.elementCount(sampleInputShape));
    }

    /**
     * Whether input {@code name} carries the batch axis: wrt does when the request is batched, and so does every other
     * input whose axis 0 has as many rows as there are samples, unless the model fixes that axis ({@code spec}, null when
     * the model does not declare the input). The one rule every engine, the finite differences, the optimizer and the
     * global sensitivity study slice and tile inputs by.
     */
    public boolean carriesBatch(String name, TensorSpec spec, Tensor value) {
        return batched && (name.equals(wrt) || value.rank() > 0 && value.dim(0) == samples
            && (spec == null || spec.dims() == null || spec.hasDynamicLeadingAxis()));
    }

    /** Every input of {@code values}, those that carry the batch axis cut to samples {@code [from, to)}. */
    public Map<String, Tensor> sampleRows(ModelInfo info, Map<String, Tensor> values, int from, int to) {
        Map<String, Tensor> rows = new LinkedHashMap<>();
        values.forEach((name, t) -> rows.put(name, carriesBatch(name, info.input(name), t)
            && (from != 0 || to != t.dim(0)) ? t.sliceRows(from, to) : t));
        return rows;
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
