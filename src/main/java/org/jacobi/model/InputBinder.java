package org.jacobi.model;

import java.util.Arrays;
import java.util.List;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/**
 * Checks a value for a model input: element type, shape against the declared shape (a single sample gets its
 * batch axis added), and no NaN or infinity. Files are matched to inputs by {@code org.jacobi.inputs.InputSources}.
 */
public final class InputBinder {
    private InputBinder() {
    }

    /**
     * Checks one input tensor against its declared spec and returns it in the model's element type and
     * full shape (batch axis included).
     */
    public static Tensor check(TensorSpec spec, Tensor t, String source) {
        ElementType want = spec.type() == null ? t.type() : spec.type();
        if (want.isFloatingPoint() != t.type().isFloatingPoint()) {
            throw new JacobiException(source + " holds " + t.type() + " values but input '" + spec.name()
                + "' takes " + spec.typeName() + ". Convert the file, e.g. x.astype('" + spec.typeName() + "').");
        }
        if (spec.type() == null && spec.dims() == null) {
            return checkFinite(spec, t, source);
        }
        Tensor converted = t.asType(want);
        List<Dim> dims = spec.dims();
        if (dims != null) {
            long[] shape = converted.shape();
            long perSample = 1;
            boolean perSampleKnown = true;
            for (int i = 1; i < dims.size(); i++) {
                perSampleKnown &= dims.get(i).isFixed();
                perSample *= Math.max(1, dims.get(i).size());
            }
            if (shape.length == dims.size() - 1 && spec.hasDynamicLeadingAxis()) {
                long[] withBatch = new long[shape.length + 1];
                withBatch[0] = 1;
                System.arraycopy(shape, 0, withBatch, 1, shape.length);
                converted = converted.reshape(withBatch); // a single sample
                shape = withBatch;
            } else if (shape.length == 2 && dims.size() > 2 && perSampleKnown && shape[1] == perSample) {
                long[] full = new long[dims.size()];
                full[0] = shape[0];
                for (int i = 1; i < dims.size(); i++) {
                    full[i] = dims.get(i).size();
                }
                converted = converted.reshape(full); // CSV rows holding flattened samples
                shape = full;
            }
            if (!fits(dims, shape)) {
                throw new JacobiException(source + " has shape " + Tensor.shapeToString(shape) + " but input '"
                    + spec.name() + "' expects " + spec.shapeText() + ". Reshape the data to fit.");
            }
        }
        return checkFinite(spec, converted, source);
    }

    private static boolean fits(List<Dim> dims, long[] shape) {
        if (dims.size() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (dims.get(i).isFixed() && dims.get(i).size() != shape[i]) {
                return false;
            }
        }
        return true;
    }

    private static Tensor checkFinite(TensorSpec spec, Tensor t, String source) {
        int bad = t.indexOfNonFinite();
        if (bad >= 0) {
            long[] shape = t.shape();
            long[] index = Tensor.unravel(bad, shape);
            String where = shape.length > 1
                ? "sample " + index[0] + ", position " + Arrays.toString(Arrays.copyOfRange(index, 1, index.length))
                : "position " + Arrays.toString(index);
            double v = t.getDouble(bad);
            throw new JacobiException(source + " contains " + (Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf")
                + " at " + where + " (input '" + spec.name() + "'). Remove or replace non-finite values.");
        }
        return t;
    }
}
