package org.jacobi.analysis;

/**
 * Labels for the elements of a flattened tensor: "x[3]" for a vector, "x[0, 12, 7]" for higher ranks,
 * so a heatmap row or column of a flattened image still names its pixel.
 */
public final class TensorLabels {
    private TensorLabels() {
    }

    /** The label of flat element {@code flat} of a tensor {@code name} of per-sample {@code shape}. */
    public static String label(String name, long[] shape, long flat) {
        StringBuilder sb = new StringBuilder(name).append('[');
        if (shape.length == 0) {
            return sb.append(']').toString();
        }
        long[] index = org.jacobi.core.Tensor.unravel(flat, shape);
        for (int i = 0; i < index.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(index[i]);
        }
        return sb.append(']').toString();
    }
}
