package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jacobi.onnx.proto.Onnx;

/**
 * Appends nodes and constants to the graph being built. Every emitted value gets a unique readable name
 * under the current prefix (e.g. {@code jvp/Gemm_0/matmul}), so the differentiated graph reads well in a
 * viewer. Helpers hide the differences between opsets (axes as attribute or as input).
 */
public final class Emitter {
    private final int opset;
    private final List<Onnx.NodeProto> nodes = new ArrayList<>();
    private final List<Onnx.TensorProto> initializers;
    private final Set<String> names;
    private final Map<String, String> constants;
    private final Map<String, String> shapes;
    private String prefix = "jacobi";

    public Emitter(int opset, Iterable<String> takenNames) {
        this(opset, new HashSet<>(), new ArrayList<>(), new HashMap<>(), new HashMap<>());
        takenNames.forEach(names::add);
    }

    private Emitter(int opset, Set<String> names, List<Onnx.TensorProto> initializers, Map<String, String> constants,
                    Map<String, String> shapes) {
        this.opset = opset;
        this.names = names;
        this.initializers = initializers;
        this.constants = constants;
        this.shapes = shapes;
    }

    /**
     * An emitter for the nodes of a subgraph (an If branch): its own node list, while names, constants and
     * initializers stay the enclosing graph's (a subgraph reads the enclosing graph's constants). Shape values emitted
     * so far stay reusable; those emitted inside the subgraph are its own.
     */
    public Emitter subgraph() {
        Emitter e = new Emitter(opset, names, initializers, constants, new HashMap<>(shapes));
        e.prefix = prefix;
        return e;
    }

    public int opset() {
        return opset;
    }

    /** Sets the prefix for the names that follow. */
    public void prefix(String p) {
        prefix = p;
    }

    public List<Onnx.NodeProto> nodes() {
        return nodes;
    }

    public List<Onnx.TensorProto> initializers() {
        return initializers;
    }

    /** A fresh unique name {@code prefix/tag}. */
    public String fresh(String tag) {
        String base = prefix + "/" + tag;
        String name = base;
        for (int i = 1; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** Copies a node unchanged (the primal computation). */
    public void copy(Onnx.NodeProto node) {
        nodes.add(node);
        names.addAll(node.getOutputList());
    }

    /** Emits one node with one output; returns the output's name. */
    public String op(String type, List<String> inputs, Onnx.AttributeProto... attrs) {
        return opN(type, inputs, 1, attrs).get(0);
    }

    public String op(String type, String input, Onnx.AttributeProto... attrs) {
        return op(type, List.of(input), attrs);
    }

    public String op(String type, String a, String b, Onnx.AttributeProto... attrs) {
        return op(type, List.of(a, b), attrs);
    }

    /** Emits one node with {@code outputs} outputs. */
    public List<String> opN(String type, List<String> inputs, int outputs, Onnx.AttributeProto... attrs) {
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add(fresh(type.toLowerCase(Locale.ROOT)));
        }
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(type).setName(outs.get(0))
            .addAllInput(inputs).addAllOutput(outs);
        for (Onnx.AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        nodes.add(b.build());
        return outs;
    }

    /** Adds a node built elsewhere (its outputs must be fresh names). */
    public void add(Onnx.NodeProto node) {
        nodes.add(node);
        names.addAll(node.getOutputList());
    }

    /** A 1-D int64 constant. */
    public String ints(long... values) {
        String key = "i" + Arrays.toString(values);
        return constants.computeIfAbsent(key, k -> {
            String name = uniqueGlobal("jacobi/const/ints");
            initializers.add(TensorProtos.ints(name, values, values.length));
            return name;
        });
    }

    /** A 0-D int64 constant. */
    public String intScalar(long value) {
        String key = "s" + value;
        return constants.computeIfAbsent(key, k -> {
            String name = uniqueGlobal("jacobi/const/int");
            initializers.add(TensorProtos.ints(name, new long[] {value}));
            return name;
        });
    }

    /** A 0-D float constant of ONNX type {@code type}. */
    public String scalar(double value, int type) {
        String key = "f" + type + ":" + value;
        return constants.computeIfAbsent(key, k -> {
            String name = uniqueGlobal("jacobi/const/scalar");
            initializers.add(TensorProtos.floats(name, type, new double[] {value}));
            return name;
        });
    }

    /** A float constant tensor. */
    public String tensor(double[] values, int type, long... dims) {
        String name = uniqueGlobal("jacobi/const/tensor");
        initializers.add(TensorProtos.floats(name, type, values, dims));
        return name;
    }

    private String uniqueGlobal(String base) {
        String name = base;
        for (int i = 1; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    // ---- shape helpers ----

    /** Shape(v), emitted once per value. */
    public String shape(String v) {
        String s = shapes.get(v);
        if (s == null) {
            s = op("Shape", v);
            shapes.put(v, s);
        }
        return s;
    }

    /** Elements [from, to) of a 1-D int64 tensor. */
    public String slice1d(String v, long from, long to) {
        return op("Slice", List.of(v, ints(from), ints(to), ints(0)));
    }

    /** {@code [K, *shape(primal)]} where K is the leading dim of {@code kRef}. */
    public String kShape(String kRef, String primal) {
        return op("Concat", List.of(slice1d(shape(kRef), 0, 1), shape(primal)), Attr.i("axis", 0));
    }

    /** Reshapes a tangent to {@code [K, *shape(primal)]}. */
    public String reshapeLike(String t, String primal) {
        return op("Reshape", t, op("Concat", List.of(ints(-1), shape(primal)), Attr.i("axis", 0)));
    }

    /** Folds the leading direction axis into the next one: {@code [K, N, ...] -> [K*N, ...]}. */
    public String foldK(String t) {
        String rest = slice1d(shape(t), 2, Long.MAX_VALUE);
        return op("Reshape", t, op("Concat", List.of(ints(-1), rest), Attr.i("axis", 0)));
    }

    /** Zeros shaped {@code [K, *shape(primal)]}. */
    public String zerosLike(String kRef, String primal, int type) {
        return op("Expand", scalar(0, type), kShape(kRef, primal));
    }

    public String unsqueeze(String v, long... axes) {
        if (axes.length == 0) {
            return v;
        }
        return opset >= 13 ? op("Unsqueeze", v, ints(axes)) : op("Unsqueeze", v, Attr.ints("axes", axes));
    }

    public String squeeze(String v, long... axes) {
        return opset >= 13 ? op("Squeeze", v, ints(axes)) : op("Squeeze", v, Attr.ints("axes", axes));
    }

    public String reduceSum(String v, long[] axes, boolean keep) {
        if (axes.length == 0) {
            return v;
        }
        return opset >= 13 ? op("ReduceSum", List.of(v, ints(axes)), Attr.i("keepdims", keep ? 1 : 0))
            : op("ReduceSum", v, Attr.ints("axes", axes), Attr.i("keepdims", keep ? 1 : 0));
    }

    /** ReduceMean/ReduceMax/... whose axes become an input at opset 18. */
    public String reduce(String type, String v, long[] axes, boolean keep) {
        if (type.equals("ReduceSum")) {
            return reduceSum(v, axes, keep);
        }
        return opset >= 18 ? op(type, List.of(v, ints(axes)), Attr.i("keepdims", keep ? 1 : 0))
            : op(type, v, Attr.ints("axes", axes), Attr.i("keepdims", keep ? 1 : 0));
    }

    public String transpose(String v, long... perm) {
        return op("Transpose", v, Attr.ints("perm", perm));
    }

    public String mul(String a, String b) {
        return op("Mul", a, b);
    }

    public String add(String a, String b) {
        return op("Add", a, b);
    }

    public String sub(String a, String b) {
        return op("Sub", a, b);
    }

    public String div(String a, String b) {
        return op("Div", a, b);
    }

    public String neg(String a) {
        return op("Neg", a);
    }

    /** Cast to ONNX type {@code type}. */
    public String cast(String v, int type) {
        return op("Cast", v, Attr.i("to", type));
    }

    /** Axes 1..n as a long array: the tangent axes of primal axes 0..n-1. */
    public static long[] shifted(long[] axes) {
        long[] out = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axes[i] + 1;
        }
        return out;
    }

    public static long[] range(long from, long to) {
        long[] out = new long[(int) Math.max(0, to - from)];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }
}
