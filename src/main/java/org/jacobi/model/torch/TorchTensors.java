package org.jacobi.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/** Copies between Jacobi tensors and DJL arrays (which live in native memory, on the model's device). */
public final class TorchTensors {
    private TorchTensors() {
    }

    /** A native copy of {@code t} owned by {@code manager}. */
    public static NDArray toNd(NDManager manager, Tensor t) {
        Shape shape = new Shape(t.shape());
        switch (t.type()) {
            case FLOAT32: return manager.create(t.floats(), shape);
            case FLOAT64: return manager.create(t.doubles(), shape);
            case INT64: return manager.create(t.longs(), shape);
            case INT32: return manager.create(t.ints(), shape);
            case BOOL: return manager.create(t.booleans(), shape);
            default: throw new IllegalArgumentException(t.type().toString());
        }
    }

    /** A Java copy of {@code a}; half precision and other types come back as float32. */
    public static Tensor fromNd(NDArray a) {
        long[] shape = a.getShape().getShape();
        switch (a.getDataType()) {
            case FLOAT32: return Tensor.ofFloats(a.toFloatArray(), shape);
            case FLOAT64: return Tensor.ofDoubles(a.toDoubleArray(), shape);
            case INT64: return Tensor.ofLongs(a.toLongArray(), shape);
            case INT32: return Tensor.ofInts(a.toIntArray(), shape);
            case BOOLEAN: return Tensor.ofBooleans(a.toBooleanArray(), shape);
            default:
                if (a.getDataType().isFloating() || a.getDataType().isInteger()) {
                    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
                        return Tensor.ofFloats(f.toFloatArray(), shape);
                    }
                }
                throw new JacobiException("The model returned a tensor of type " + a.getDataType()
                    + ", which Jacobi cannot read.");
        }
    }

    /** The Jacobi element type of a DJL data type, or null when Jacobi has none. */
    public static ElementType elementType(DataType type) {
        switch (type) {
            case FLOAT32: return ElementType.FLOAT32;
            case FLOAT64: return ElementType.FLOAT64;
            case INT64: return ElementType.INT64;
            case INT32: return ElementType.INT32;
            case BOOLEAN: return ElementType.BOOL;
            default: return null;
        }
    }
}
