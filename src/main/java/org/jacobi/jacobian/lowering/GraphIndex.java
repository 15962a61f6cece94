package org.jacobi.jacobian.lowering;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.onnx.proto.Onnx;

/**
 * Who produces and who reads each value of a differentiated graph, and what the graph passes that rewrite it for
 * ONNX Runtime ({@link OrtLowering}, {@link ForwardBlockLayout}, {@link SeedBroadcast}) ask of a value: which values
 * depend on the seed, the rank of a direction-free factor (which axes it broadcasts over), whether a value is a
 * constant, and the shape of a constant matrix.
 */
final class GraphIndex {
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Cast", "Sigmoid", "Tanh",
        "Relu", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Greater", "Less", "Equal", "Where", "Abs", "Erf", "Identity");
    /** Operators whose result has their first input's rank (the pooling masks are built from them). */
    private static final Set<String> RANK_KEEPING = Set.of("Transpose", "Resize", "Upsample", "MaxPool", "AveragePool");
    /** Deeper chains of direction-free factors are not followed (their rank is then unknown). */
    private static final int MAX_DEPTH = 32;

    private final Onnx.GraphProto graph;
    private final Map<String, Onnx.NodeProto> producer = new HashMap<>();
    private final Map<String, List<Onnx.NodeProto>> consumers = new HashMap<>();
    private final Map<String, Onnx.TensorProto> initializers = new HashMap<>();
    private final Set<String> outputs = new HashSet<>();
    private final boolean subgraphs;

    GraphIndex(Onnx.GraphProto graph) {
        this.graph = graph;
        boolean any = false;
        for (Onnx.NodeProto n : graph.getNodeList()) {
            n.getOutputList().forEach(o -> producer.put(o, n));
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            any |= n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        }
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        subgraphs = any;
    }

    Onnx.NodeProto producer(String v) {
        return producer.get(v);
    }

    List<Onnx.NodeProto> consumers(String v) {
        return consumers.getOrDefault(v, List.of());
    }

    /** Nodes reading {@code v}, plus one if it is a graph output. */
    int readers(String v) {
        return consumers(v).size() + (outputs.contains(v) ? 1 : 0);
    }

    boolean isInitializer(String v) {
        return initializers.containsKey(v);
    }

    Onnx.TensorProto initializer(String v) {
        return initializers.get(v);
    }

    boolean isGraphOutput(String v) {
        return outputs.contains(v);
    }

    /** Whether a node holds a subgraph (If, Loop, Scan), whose body may read any outer value by name. */
    boolean hasSubgraphs() {
        return subgraphs;
    }

    /** Every name the graph uses: inputs, initializers and node outputs (for fresh names that do not collide). */
    Set<String> names() {
        Set<String> taken = new HashSet<>(producer.keySet());
        taken.addAll(initializers.keySet());
        graph.getInputList().forEach(v -> taken.add(v.getName()));
        return taken;
    }

    /** {@code source} and every value computed from it. */
    Set<String> dependents(String source) {
        Set<String> out = new HashSet<>();
        out.add(source);
        for (Onnx.NodeProto n : graph.getNodeList()) {
            if (n.getInputList().stream().anyMatch(out::contains)) {
                out.addAll(n.getOutputList());
            }
        }
        return out;
    }

    /**
     * The rank of a direction-free value: from the primal {@code shapes}, the initializers, and Transposes, resampling,
     * pooling and elementwise operators over them; -1 when it cannot be told.
     */
    int rank(String v, ValueShapes shapes) {
        return rank(v, shapes, 0);
    }

    private int rank(String v, ValueShapes shapes, int depth) {
        if (initializers.containsKey(v)) {
            return initializers.get(v).getDimsCount();
        }
        if (shapes.known(v)) {
            return shapes.rank(v);
        }
        Onnx.NodeProto n = producer.get(v);
        if (n == null || depth > MAX_DEPTH || !n.getDomain().isEmpty()) {
            return -1;
        }
        if (RANK_KEEPING.contains(n.getOpType())) {
            return rank(n.getInput(0), shapes, depth + 1);
        }
        if (!ELEMENTWISE.contains(n.getOpType())) {
            return -1;
        }
        int rank = 0;
        for (String in : n.getInputList()) {
            int ri = rank(in, shapes, depth + 1);
            if (ri < 0) {
                return -1;
            }
            rank = Math.max(rank, ri);
        }
        return rank;
    }

    /** True when {@code v} is computed from initializers alone (no graph input): no batch axis of its own. */
    boolean constant(String v) {
        return constant(v, 0);
    }

    private boolean constant(String v, int depth) {
        if (initializers.containsKey(v)) {
            return true;
        }
        Onnx.NodeProto n = producer.get(v);
        if (n == null || depth > 2 * MAX_DEPTH) {
            return false; // a graph input
        }
        for (String in : n.getInputList()) {
            if (!in.isEmpty() && !constant(in, depth + 1)) {
                return false;
            }
        }
        return true;
    }

    /** The dimensions of {@code v} when it is an initializer or a Transpose of one; null otherwise. */
    long[] constantDims(String v) {
        Onnx.TensorProto t = initializers.get(v);
        if (t != null) {
            return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        }
        Onnx.NodeProto n = producer.get(v);
        if (n == null || !n.getOpType().equals("Transpose") || !n.getDomain().isEmpty() || !initializers.containsKey(n.getInput(0))) {
            return null;
        }
        Onnx.TensorProto w = initializers.get(n.getInput(0));
        int r = w.getDimsCount();
        long[] perm = ints(n, "perm");
        long[] dims = new long[r];
        for (int i = 0; i < r; i++) {
            dims[i] = w.getDims(perm == null ? r - 1 - i : (int) perm[i]); // no perm: the dims reversed
        }
        return dims;
    }

    /** The ints attribute {@code name} of {@code n}; null when it has none. */
    static long[] ints(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    static boolean isIdentity(long[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }
}
