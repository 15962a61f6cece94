package org.jacobi.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Dim;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/** How a model input's declared shape splits into samples: the batch axis, one sample's shape, one sample's values. */
public final class SampleShapes {
    private SampleShapes() {
    }

    /**
     * One sample's shape from the declared shape (axis 0 is the batch when dynamic; when fixed, it is dropped
     * too, and the generator adds it back).
     */
    public static long[] sampleShape(TensorSpec spec) {
        if (!spec.hasShape()) {
            throw new JacobiException("Input '" + spec.name() + "' declares no shape (TorchScript). Drop an input file instead.");
        }
        List<Dim> dims = spec.dims();
        List<Dim> per = spec.hasDynamicLeadingAxis() ? dims.subList(1, dims.size()) : dims;
        long[] shape = new long[per.size()];
        for (int i = 0; i < shape.length; i++) {
            if (per.get(i).isDynamic()) {
                throw new JacobiException("Input '" + spec.name() + "' " + spec.shapeText() + " has a dynamic axis besides the "
                    + "batch, so generated samples would have no size: drop an input file (a photo, a tensor) for it, or type "
                    + "its sizes under Sizes in the Input panel and press Generate.");
            }
            shape[i] = per.get(i).size();
        }
        if (!spec.hasDynamicLeadingAxis() && shape.length > 0) {
            return Arrays.copyOfRange(shape, 1, shape.length);
        }
        return shape;
    }

    /**
     * The model's description with the inputs named in {@code sampleShapes} fixed to those shapes of one sample (as
     * {@code --shape NAME=D1,D2,...} gives them: without the batch axis, which stays as declared), so that samples can
     * be generated for inputs whose declared shape has dynamic axes.
     */
    public static ModelInfo withSampleShapes(ModelInfo info, Map<String, long[]> sampleShapes) {
        if (sampleShapes.isEmpty()) {
            return info;
        }
        List<TensorSpec> inputs = new ArrayList<>();
        for (TensorSpec spec : info.inputs()) {
            long[] sample = sampleShapes.get(spec.name());
            if (sample == null || !spec.hasShape() || spec.dims().isEmpty()) {
                inputs.add(spec);
                continue;
            }
            List<Dim> dims = spec.dims();
            if (sample.length != dims.size() - 1) {
                throw JacobiException.usage("Input '" + spec.name() + "' " + spec.shapeText() + " has " + (dims.size() - 1)
                    + " axes per sample; the sizes given have " + sample.length + ".");
            }
            List<Dim> fixed = new ArrayList<>(List.of(dims.get(0)));
            for (int i = 0; i < sample.length; i++) {
                Dim d = dims.get(i + 1);
                if (d.isFixed() && d.size() != sample[i]) {
                    throw JacobiException.usage("Input '" + spec.name() + "' " + spec.shapeText() + " has size " + d.size()
                        + " on axis " + (i + 1) + ", not " + sample[i] + ".");
                }
                fixed.add(Dim.fixed(sample[i]));
            }
            inputs.add(new TensorSpec(spec.name(), spec.type(), spec.typeName(), fixed));
        }
        return new ModelInfo(info.path(), info.format(), info.fileBytes(), inputs, info.outputs(), info.shapeSource(),
            info.operatorCounts(), info.opsets(), info.irVersion(), info.parameterCount(), info.producer(), info.subgraphNodeCount());
    }

    /** The declared shape with every axis fixed. */
    public static long[] fullShape(TensorSpec spec) {
        return spec.dims().stream().mapToLong(Dim::size).toArray();
    }

    /** How many samples {@code value} holds for input {@code spec}: its axis 0 when that is the batch, else 1. */
    public static int sampleCount(TensorSpec spec, Tensor value) {
        if (value == null) {
            return 0;
        }
        return spec != null && spec.hasDynamicLeadingAxis() && value.rank() > 0 ? (int) value.dim(0) : 1;
    }

    /** The values of sample {@code sample} of {@code value} (which holds {@code samples} samples), flat. */
    public static double[] sample(Tensor value, int samples, int sample) {
        int per = value.size() / Math.max(1, samples);
        double[] out = new double[per];
        int base = Math.min(sample, samples - 1) * per;
        for (int i = 0; i < per; i++) {
            out[i] = value.getDouble(base + i);
        }
        return out;
    }

    /** A copy of {@code value} (same shape and type) with sample {@code sample} replaced by {@code values}. */
    public static Tensor withSample(Tensor value, int samples, int sample, double[] values) {
        int per = value.size() / Math.max(1, samples);
        if (values.length != per) {
            throw new JacobiException("The sample has " + values.length + " values but the input takes " + per + " per sample.");
        }
        double[] all = value.toDoubleArray();
        System.arraycopy(values, 0, all, sample * per, per);
        return Tensor.ofDoubles(all, value.shape()).asType(value.type());
    }

    /** A copy of {@code value} with one element of one sample changed. */
    public static Tensor withElement(Tensor value, int samples, int sample, int index, double v) {
        int per = value.size() / Math.max(1, samples);
        double[] all = value.toDoubleArray();
        all[sample * per + index] = v;
        return Tensor.ofDoubles(all, value.shape()).asType(value.type());
    }
}
