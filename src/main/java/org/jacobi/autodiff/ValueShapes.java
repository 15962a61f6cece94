package org.jacobi.autodiff;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/**
 * The element type and shape of every value of a graph, and the contents of its small integer values,
 * learnt by running the graph once on example inputs with every intermediate value exposed as an output (a
 * {@link Probe}, which the runtime side supplies).
 * Rules need ranks, static channel counts and constant axes; running the graph is simpler and more
 * faithful than re-implementing ONNX shape inference for every operator.
 */
public final class ValueShapes {
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, Integer> types = new HashMap<>();
    private final Map<String, long[]> smallInts = new HashMap<>();
    /** Small float values (Resize scales and roi, ...), which some rules need as numbers. */
    private final Map<String, double[]> smallFloats = new HashMap<>();
    private static final int SMALL_FLOATS = 16;
    /** The most elements of a value whose contents are kept (integers up to this many, floats up to 16). */
    public static final int SMALL_VALUES = 64;

    /**
     * Learns the shapes of every value of {@code model} on {@code inputs}: by running it, which the runtime side
     * does ({@code org.jacobi.jacobian.lowering.OrtShapeProbe}); the graph transform itself runs nothing.
     */
    @FunctionalInterface
    public interface Probe {
        ValueShapes probe(Onnx.ModelProto model, Map<String, Tensor> inputs);
    }

    /**
     * The shapes of the graph's inputs and initializers only, without running it: for a pre-pass over a model that
     * ONNX Runtime cannot run as it stands (a recurrent layer in layout 1).
     */
    public static ValueShapes declared(Onnx.ModelProto model, Map<String, Tensor> inputs) {
        ValueShapes v = new ValueShapes();
        v.recordInitializers(model.getGraph());
        inputs.forEach(v::put);
        return v;
    }

    /** The shapes (and small contents) of the graph's initializers; returns their names. */
    public Set<String> recordInitializers(Onnx.GraphProto graph) {
        Set<String> initializers = new HashSet<>();
        for (Onnx.TensorProto init : graph.getInitializerList()) {
            initializers.add(init.getName());
            long[] dims = init.getDimsList().stream().mapToLong(Long::longValue).toArray();
            shapes.put(init.getName(), dims);
            types.put(init.getName(), init.getDataType());
            ElementType type = ElementType.fromOnnxCode(init.getDataType());
            if ((type == ElementType.INT64 || type == ElementType.INT32) && Tensor.elementCount(dims) <= SMALL_VALUES) {
                smallInts.put(init.getName(), TensorProtos.toLongs(init));
            }
            if ((type == ElementType.FLOAT32 || type == ElementType.FLOAT64) && Tensor.elementCount(dims) <= SMALL_FLOATS) {
                smallFloats.put(init.getName(), TensorProtos.toDoubles(init));
            }
        }
        return initializers;
    }

    /** Records a value from its contents (its shape, type, and the contents of a small one). */
    public void put(String name, Tensor t) {
        shapes.put(name, t.shape());
        types.put(name, t.type().onnxCode());
        if (!t.type().isFloatingPoint() && t.size() <= SMALL_VALUES) {
            long[] vals = new long[t.size()];
            for (int i = 0; i < vals.length; i++) {
                vals[i] = (long) t.getDouble(i);
            }
            smallInts.put(name, vals);
        }
        if (t.type().isFloatingPoint() && t.size() <= SMALL_FLOATS) {
            smallFloats.put(name, t.toDoubleArray());
        }
    }

    /** Records a value's shape and type only (values the probe cannot see, or of types Jacobi does not read). */
    public void put(String name, long[] shape, int onnxType) {
        shapes.put(name, shape.clone());
        types.put(name, onnxType);
    }

    public boolean known(String name) {
        return shapes.containsKey(name);
    }

    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalStateException("no shape known for value '" + name + "'");
        }
        return s.clone();
    }

    public int rank(String name) {
        return shape(name).length;
    }

    /** The ONNX element type code of a value ({@link ElementType#onnxCode()}, or a type Jacobi does not read). */
    public int type(String name) {
        Integer t = types.get(name);
        if (t == null) {
            throw new IllegalStateException("no type known for value '" + name + "'");
        }
        return t;
    }

    public boolean isFloat(String name) {
        Integer t = types.get(name);
        return t != null && ElementType.isFloatingPointCode(t);
    }

    /** The contents of a small integer value, or null when it is not one. */
    public long[] ints(String name) {
        long[] v = smallInts.get(name);
        return v == null ? null : v.clone();
    }

    /** The contents of a small float value (at most 16 elements), or null when it is not one. */
    public double[] floats(String name) {
        double[] v = smallFloats.get(name);
        return v == null ? null : v.clone();
    }
}
