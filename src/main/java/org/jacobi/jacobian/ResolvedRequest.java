package org.jacobi.jacobian;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * A request with its defaults filled in against a model: the wrt and of names, whether axis 0 is the
 * batch, and one sample's input shape. Every engine starts from this, so all agree on the defaults.
 */
public record ResolvedRequest(JacobianRequest request, String wrt, String of, boolean batched, int samples,
                              long[] sampleInputShape) {

    public static ResolvedRequest resolve(ModelInfo info, JacobianRequest request) {
        String wrt = request.wrt();
        if (wrt == null) {
            wrt = info.inputs().stream().filter(s -> s.type() == null || s.type().isFloatingPoint())
                .map(TensorSpec::name).findFirst()
                .orElseThrow(() -> new JacobiException("The model has no floating-point input to differentiate."));
        }
        TensorSpec wrtSpec = info.input(wrt);
        if (wrtSpec == null) {
            throw JacobiException.usage("The model has no input '" + wrt + "'. Its inputs are "
                + info.inputs().stream().map(TensorSpec::name).toList() + ".");
        }
        if (wrtSpec.type() != null && !wrtSpec.type().isFloatingPoint()) {
            throw JacobiException.usage("Input '" + wrt + "' holds " + wrtSpec.typeName()
                + " values, which cannot be differentiated. Choose a floating-point input with --wrt.");
        }
        String of = request.of();
        if (of == null) {
            of = info.outputs().get(0).name();
        } else if (info.output(of) == null) {
            throw JacobiException.usage("The model has no output '" + of + "'. Its outputs are "
                + info.outputs().stream().map(TensorSpec::name).toList() + ".");
        }
        Tensor x = request.inputs().get(wrt);
        if (x == null) {
            throw JacobiException.usage("No value given for input '" + wrt + "'.");
        }
        boolean batched = request.batchAxis().isBatched(info.format(), wrtSpec) && x.rank() > 0;
        long[] shape = x.shape();
        long[] sample = batched ? Arrays.copyOfRange(shape, 1, shape.length) : shape;
        int samples = batched ? (int) shape[0] : 1;
        return new ResolvedRequest(request, wrt, of, batched, samples, sample);
    }

    public Map<String, Tensor> inputs() {
        return request.inputs();
    }

    public Tensor wrtValue() {
        return request.inputs().get(wrt);
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

    /** The exact mode to use given one sample's output element count. */
    public JacobianMode exactMode(long outputElementsPerSample) {
        JacobianMode m = request.mode();
        return m == JacobianMode.AUTO ? JacobianMode.choose(inputsPerSample(), outputElementsPerSample) : m;
    }
}
