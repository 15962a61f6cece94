package org.jacobi.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Dim;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/** Generated values for every input of a model, drawn by {@link SampleGenerator} from one seed. */
public final class SampleInputs {
    private SampleInputs() {
    }

    /**
     * One tensor per model input, {@code batch} samples each (a dynamic axis 0 becomes the batch; a
     * fixed-shape input keeps its declared shape). Integer inputs are zeros.
     */
    public static Map<String, Tensor> generate(ModelInfo info, int batch, SampleGenerator.Kind kind, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        long inputSeed = seed;
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
            ElementType type = spec.type() == null ? ElementType.FLOAT32 : spec.type();
            if (!type.isFloatingPoint()) {
                out.put(spec.name(), Tensor.zeros(type, shape));
                continue;
            }
            Tensor values = SampleGenerator.generate(kind, shape, 1, inputSeed++).reshape(shape);
            out.put(spec.name(), values.asType(type));
        }
        return out;
    }
}
