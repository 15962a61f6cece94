package org.jacobi.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/** Generated inputs for a model: zeros, uniform or standard-normal values, reproducible from a seed. */
public final class SampleInputs {
    /** How values are drawn. */
    public enum Distribution { ZEROS, UNIFORM, NORMAL }

    private SampleInputs() {
    }

    /**
     * One tensor per model input, {@code batch} samples each (a dynamic axis 0 becomes the batch; a
     * fixed-shape input keeps its declared shape). Integer inputs are zeros.
     */
    public static Map<String, Tensor> generate(ModelInfo info, int batch, Distribution distribution, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec spec : info.inputs()) {
            List<Dim> dims = spec.dims();
            if (dims == null) {
                throw JacobiException.usage("The shape of input '" + spec.name() + "' is unknown. Give --shape "
                    + spec.name() + "=D1,D2,... (one sample) or an --input file.");
            }
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                Dim d = dims.get(i);
                if (d.isFixed()) {
                    shape[i] = d.size();
                } else if (i == 0) {
                    shape[i] = batch;
                } else {
                    throw JacobiException.usage("Input '" + spec.name() + "' has a dynamic axis " + i + " (" + d
                        + "); give an --input file with the sizes you want.");
                }
            }
            int n = Math.toIntExact(Tensor.elementCount(shape));
            ElementType type = spec.type() == null ? ElementType.FLOAT32 : spec.type();
            if (!type.isFloatingPoint() || distribution == Distribution.ZEROS) {
                out.put(spec.name(), Tensor.zeros(type, shape));
                continue;
            }
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = distribution == Distribution.NORMAL ? random.nextGaussian() : random.nextDouble() * 2 - 1;
            }
            out.put(spec.name(), Tensor.ofDoubles(values, shape).asType(type));
        }
        return out;
    }
}
