package org.jacobi.analysis;

import java.util.List;
import org.jacobi.core.Tensor;

/**
 * Labels for the elements of a flattened tensor: "x[3]" for a vector, "x[0, 12, 7]" for higher ranks,
 * so a heatmap row or column of a flattened image still names its pixel; "y[seven]" when the model or the
 * user names the elements.
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
        long[] index = Tensor.unravel(flat, shape);
        for (int i = 0; i < index.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(index[i]);
        }
        return sb.append(']').toString();
    }

    /**
     * As {@link #label(String, long[], long)}, but with the element's name when {@code names} holds one per
     * element ({@code names} may be null).
     */
    public static String label(String name, long[] shape, long flat, List<String> names) {
        if (names != null && names.size() == elements(shape) && flat >= 0 && flat < names.size()) {
            return name + "[" + names.get((int) flat) + "]";
        }
        return label(name, shape, flat);
    }

    /** The element's name alone when {@code names} gives one, else its index label. */
    public static String shortLabel(String name, long[] shape, long flat, List<String> names) {
        if (names != null && names.size() == elements(shape) && flat >= 0 && flat < names.size()) {
            return names.get((int) flat);
        }
        return label(name, shape, flat);
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
