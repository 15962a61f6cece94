package org.jacobi.ui.inputs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Dim;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * A dynamic axis of a model input besides its batch axis (an image's H and W, a sequence's length) with its size: from
 * the input file when one fixes it, or typed; 0 while unknown. The sizes of all an input's axes make one sample's shape,
 * as the command line's {@code --shape NAME=D1,D2,...} gives it.
 */
public final class DynamicAxis {
    private final String input;
    private final int axis;
    private final String name;
    private final IntegerProperty size = new SimpleIntegerProperty(this, "size", 0);

    DynamicAxis(String input, int axis, String name) {
        this.input = input;
        this.axis = axis;
        this.name = name;
    }

    /** The dynamic axes besides axis 0 of every input of {@code info} (none for null). */
    static List<DynamicAxis> of(ModelInfo info) {
        List<DynamicAxis> axes = new ArrayList<>();
        for (TensorSpec spec : info == null ? List.<TensorSpec>of() : info.inputs()) {
            List<Dim> dims = spec.dims();
            for (int i = 1; dims != null && i < dims.size(); i++) {
                if (dims.get(i).isDynamic()) {
                    axes.add(new DynamicAxis(spec.name(), i, dims.get(i).symbol() != null ? dims.get(i).symbol() : "axis " + i));
                }
            }
        }
        return axes;
    }

    /** Takes the sizes that {@code inputs} (e.g. read from a dropped photo) fix. */
    static void fill(List<DynamicAxis> axes, Map<String, Tensor> inputs) {
        for (DynamicAxis a : axes) {
            Tensor t = inputs == null ? null : inputs.get(a.input);
            if (t != null && t.rank() > a.axis) {
                a.size.set((int) t.dim(a.axis));
            }
        }
    }

    /**
     * One sample's shape of each input with dynamic axes, the axes' sizes filled in; one message naming every size still
     * missing when some are.
     */
    static Map<String, long[]> sampleShapes(ModelInfo info, List<DynamicAxis> axes) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (DynamicAxis a : axes) {
            if (a.size.get() <= 0) {
                missing.computeIfAbsent(a.input, k -> new ArrayList<>()).add(a.name);
            }
        }
        if (!missing.isEmpty()) {
            List<String> parts = missing.entrySet().stream().map(e -> "'" + e.getKey() + "' " + String.join(", ", e.getValue())).toList();
            throw JacobiException.usage("Samples need a size for every dynamic axis: type one for " + String.join("; ", parts)
                + " under Sizes, or drop a photo or tensor file, which fixes them.");
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (DynamicAxis a : axes) {
            long[] sample = shapes.computeIfAbsent(a.input,
                k -> info.input(k).dims().stream().skip(1).mapToLong(Dim::size).toArray());
            sample[a.axis - 1] = a.size.get();
        }
        return shapes;
    }

    public String input() {
        return input;
    }

    /** The axis of the input, counted with the batch axis as 0. */
    public int axis() {
        return axis;
    }

    /** The axis's name in the model ("H", "height"), or "axis 2". */
    public String name() {
        return name;
    }

    /** The size, or 0 while unknown. */
    public IntegerProperty sizeProperty() {
        return size;
    }
}
