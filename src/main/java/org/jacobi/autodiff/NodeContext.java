package org.jacobi.autodiff;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.onnx.proto.Onnx;

/** What a rule sees of the node it differentiates: inputs, attributes, shapes, (co)tangents, the emitter. */
public final class NodeContext {
    private final Onnx.NodeProto node;
    private final String label;
    private final Emitter emitter;
    private final ValueShapes shapes;
    private final Map<String, String> tangents;
    private final Map<String, String> cotangents;
    private final Set<String> active;
    private final boolean forward;
    private final Walk walk;

    NodeContext(Onnx.NodeProto node, String label, Emitter emitter, Walk walk, Map<String, String> tangents,
                Map<String, String> cotangents) {
        this.node = node;
        this.label = label;
        this.emitter = emitter;
        this.walk = walk;
        this.shapes = walk.shapes();
        this.tangents = tangents;
        this.cotangents = cotangents;
        this.active = walk.active();
        this.forward = walk.forward();
    }

    /** The walk over the graph this node belongs to (for rules that differentiate subgraphs). */
    Walk walk() {
        return walk;
    }

    /** The tangents known so far, by value name (forward mode). */
    Map<String, String> tangents() {
        return tangents;
    }

    /** True when {@code value} depends on the differentiated input and on it the differentiated output. */
    boolean isActive(String value) {
        return active.contains(value);
    }

    /** Adds {@code g} to the cotangent of a value the node reads without naming it as an input (in a subgraph). */
    void addCotangentOf(String value, String g) {
        String previous = cotangents.get(value);
        cotangents.put(value, previous == null ? g : emitter.add(previous, g));
    }

    public Onnx.NodeProto node() {
        return node;
    }

    public String opType() {
        return node.getOpType();
    }

    /** The node's name, or a generated one when it has none. */
    public String label() {
        return label;
    }

    public Emitter e() {
        return emitter;
    }

    public ValueShapes shapes() {
        return shapes;
    }

    public int opset() {
        return emitter.opset();
    }

    public boolean forward() {
        return forward;
    }

    public int inputCount() {
        return node.getInputCount();
    }

    /** True when input {@code i} is given (present and non-empty). */
    public boolean has(int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty();
    }

    public String input(int i) {
        return node.getInput(i);
    }

    public String output(int i) {
        return node.getOutput(i);
    }

    public int outputCount() {
        return node.getOutputCount();
    }

    public long[] shape(String value) {
        return shapes.shape(value);
    }

    public int rank(String value) {
        return shapes.rank(value);
    }

    /** ONNX element type code of a value. */
    public int type(String value) {
        return shapes.type(value);
    }

    /** ONNX element type of output 0, the type of every emitted float constant. */
    public int floatType() {
        return shapes.type(node.getOutput(0));
    }

    // ---- attributes ----

    public Onnx.AttributeProto attr(String name) {
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public long attrInt(String name, long fallback) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? fallback : a.getI();
    }

    public double attrFloat(String name, double fallback) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? fallback : a.getF();
    }

    public String attrString(String name, String fallback) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** An INTS attribute, or null when absent. */
    public long[] attrInts(String name) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The values of integer input {@code i}, which must be known when the graph is built. */
    public long[] constInts(int i) {
        long[] v = shapes.ints(input(i));
        if (v == null) {
            throw fail("its input '" + input(i) + "' must be a small constant integer tensor");
        }
        return v;
    }

    /** The values of small float input {@code i} (e.g. Resize scales), which must be known when the graph is built. */
    public double[] constFloats(int i) {
        double[] v = shapes.floats(input(i));
        if (v == null) {
            throw fail("its input '" + input(i) + "' must be a small constant float tensor");
        }
        return v;
    }

    /** {@code axis} made non-negative for a value of rank {@code rank}. */
    public static long normAxis(long axis, int rank) {
        return axis < 0 ? axis + rank : axis;
    }

    public static long[] normAxes(long[] axes, int rank) {
        long[] out = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = normAxis(axes[i], rank);
        }
        Arrays.sort(out);
        return out;
    }

    /** An error naming this node, its operator and the mode. */
    public NotDifferentiableException fail(String why) {
        return new NotDifferentiableException("Cannot differentiate " + opType() + " node '" + label + "' in "
            + (forward ? "forward" : "reverse") + " mode: " + why + ".");
    }

    // ---- forward mode ----

    /** The tangent of input {@code i}, or null when it does not depend on the differentiated input. */
    public String tangent(int i) {
        return has(i) ? tangents.get(input(i)) : null;
    }

    public void setTangent(int output, String tangent) {
        if (tangent != null) {
            tangents.put(node.getOutput(output), tangent);
        }
    }

    // ---- reverse mode ----

    /** The cotangent of output {@code i}, or null when none reaches it. */
    public String cotangent(int i) {
        return i < node.getOutputCount() ? cotangents.get(node.getOutput(i)) : null;
    }

    /** True when input {@code i} depends on the differentiated input and so needs a cotangent. */
    public boolean needs(int i) {
        return has(i) && active.contains(input(i));
    }

    /** Adds {@code g} to the cotangent of input {@code i} (fan-out accumulates); ignored when not needed. */
    public void addCotangent(int i, String g) {
        if (g == null || !needs(i)) {
            return;
        }
        String name = input(i);
        String previous = cotangents.get(name);
        cotangents.put(name, previous == null ? g : emitter.add(previous, g));
    }

    /** The derivative of input {@code i} with respect to the differentiated input is (co)tangent-relevant. */
    public boolean differentiated(int i) {
        return forward ? tangent(i) != null : needs(i);
    }
}
