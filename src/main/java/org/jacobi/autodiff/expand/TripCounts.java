package org.jacobi.autodiff.expand;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.TensorProtos;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.onnx.proto.Onnx;

/**
 * The trip counts {@link LoopUnrolling} unrolls by: a Loop's from a constant of its scopes, a small integer input or
 * a value the probe learns, a Scan's from its scanned length; 0 for a count that is not known when the graph is
 * built or that would be wrong for other samples than the probe's (one that follows a larger input's values or the
 * batch size), so that the loop is refused instead.
 */
final class TripCounts {
    private TripCounts() {
    }

    /** A Loop's trip count, or 0 when it is not a {@code for} loop of a known count. */
    static long loop(Onnx.NodeProto node, List<Onnx.GraphProto> scopes, ValueShapes shapes) {
        if (node.getInputCount() < 2 || node.getInput(0).isEmpty()) {
            return 0;
        }
        long[] m = ints(node.getInput(0), scopes, shapes);
        String cond = node.getInput(1);
        if (m == null || m.length != 1 || (!cond.isEmpty() && !isTrue(cond, scopes, shapes))) {
            return 0;
        }
        Onnx.GraphProto body = ControlFlow.subgraphs(node).get(0);
        String condIn = body.getInput(1).getName();
        String condOut = body.getOutput(0).getName();
        if (condOut.equals(condIn)) {
            return m[0];
        }
        for (Onnx.NodeProto n : body.getNodeList()) {
            if (n.getOutputList().contains(condOut)) {
                boolean passed = n.getOpType().equals("Identity") && n.getInput(0).equals(condIn);
                boolean constant = n.getOpType().equals("Constant") && n.getAttributeCount() == 1
                    && n.getAttribute(0).hasT() && isTrue(n.getAttribute(0).getT());
                return passed || constant ? m[0] : 0;
            }
        }
        return 0;
    }

    /** The initializer {@code value} of the innermost scope that has one, or null. */
    private static Onnx.TensorProto initializer(String value, List<Onnx.GraphProto> scopes) {
        for (int s = scopes.size() - 1; s >= 0; s--) {
            for (Onnx.TensorProto t : scopes.get(s).getInitializerList()) {
                if (t.getName().equals(value)) {
                    return t;
                }
            }
        }
        return null;
    }

    /** The contents of a small integer value: an initializer of a scope, or learnt by the probe; null when neither. */
    private static long[] ints(String value, List<Onnx.GraphProto> scopes, ValueShapes shapes) {
        return initializer(value, scopes) != null ? constantInts(value, scopes) : learnt(value, scopes, shapes);
    }

    /**
     * The probe's value of {@code value}, or null where it would not hold for other requests: when it follows a larger
     * input's values, or the batch size in any way (a loop over the images of a batch, Size(x), Shape(x)[0] - 1, a
     * condition batch > 1), which the probe's two samples fix but every other chunk changes.
     */
    private static long[] learnt(String value, List<Onnx.GraphProto> scopes, ValueShapes shapes) {
        Set<String> shapesRead = new HashSet<>();
        if (followsInputValues(value, scopes, new HashSet<>(), shapesRead) || !shapesRead.isEmpty()) {
            return null;
        }
        shapes.shape(value); // unknown before the probe: asks for it
        return shapes.ints(value);
    }

    /**
     * Whether {@code value}'s contents follow the values, not only the shapes, of a model input that the cache of
     * prepared graphs is not keyed on ({@link LoopUnrolling#KEYED_INPUT_ELEMENTS}): found by walking back through the nodes of the
     * scopes that make it, stopping at constants, initializers and Shape or Size (which read only shapes).
     *
     * @param shapesRead receives the model inputs with a dynamic axis 0 whose shapes a Shape or Size on the way reads,
     *     unless only an axis past the first is taken ({@code Gather(Shape(x), k)} with a constant k other than 0, or
     *     {@code Shape(x, start >= 1)}): those sizes are part of the cache's signature, the batch size is not
     */
    private static boolean followsInputValues(String value, List<Onnx.GraphProto> scopes, Set<String> seen,
                                              Set<String> shapesRead) {
        if (value.isEmpty() || !seen.add(value) || initializer(value, scopes) != null) {
            return false;
        }
        for (Onnx.ValueInfoProto input : scopes.get(0).getInputList()) {
            if (input.getName().equals(value)) {
                return !keyedInput(input);
            }
        }
        Onnx.NodeProto n = producer(value, scopes);
        if (n == null) {
            return false; // a branch's input or an outer body's value: not a model input
        }
        if (n.getOpType().equals("Gather") && n.getInputCount() == 2 && shapeAfterAxisZero(n, scopes)
            || n.getOpType().equals("Shape") && LoopUnrolling.attrInt(n, "start", 0) >= 1) {
            return false;
        }
        if (n.getOpType().equals("Shape") || n.getOpType().equals("Size")) {
            batchedInputsBehind(n.getInput(0), scopes, new HashSet<>(), shapesRead);
            return false;
        }
        for (String in : ControlFlow.inputs(n)) {
            if (followsInputValues(in, scopes, seen, shapesRead)) {
                return true;
            }
        }
        return false;
    }

    /** A Gather of a Shape's output at a constant index other than 0: the size of an axis that is not the batch's. */
    private static boolean shapeAfterAxisZero(Onnx.NodeProto gather, List<Onnx.GraphProto> scopes) {
        Onnx.NodeProto shape = producer(gather.getInput(0), scopes);
        if (shape == null || !shape.getOpType().equals("Shape") || LoopUnrolling.attrInt(gather, "axis", 0) != 0) {
            return false;
        }
        long[] index = constantInts(gather.getInput(1), scopes);
        if (index == null || index.length == 0) {
            return false;
        }
        for (long i : index) {
            if (i <= 0) { // 0 is the batch's axis; a negative index may count back to it
                return false;
            }
        }
        return true;
    }

    /** The node of the scopes that makes {@code value}, innermost scope first, or null. */
    private static Onnx.NodeProto producer(String value, List<Onnx.GraphProto> scopes) {
        for (int s = scopes.size() - 1; s >= 0; s--) {
            for (Onnx.NodeProto n : scopes.get(s).getNodeList()) {
                if (n.getOutputList().contains(value)) {
                    return n;
                }
            }
        }
        return null;
    }

    /** The contents of an integer initializer or Constant node, or null. */
    private static long[] constantInts(String value, List<Onnx.GraphProto> scopes) {
        Onnx.TensorProto t = initializer(value, scopes);
        Onnx.NodeProto n = t == null ? producer(value, scopes) : null;
        if (n != null && n.getOpType().equals("Constant") && n.getAttributeCount() == 1 && n.getAttribute(0).hasT()) {
            t = n.getAttribute(0).getT();
        }
        if (t == null) {
            return null;
        }
        int type = t.getDataType();
        return type == Onnx.TensorProto.DataType.INT64_VALUE || type == Onnx.TensorProto.DataType.INT32_VALUE
            ? TensorProtos.toLongs(t) : null;
    }

    /** Adds the model inputs with a dynamic axis 0 that {@code value} is computed from. */
    private static void batchedInputsBehind(String value, List<Onnx.GraphProto> scopes, Set<String> seen, Set<String> out) {
        if (value.isEmpty() || !seen.add(value)) {
            return;
        }
        for (Onnx.ValueInfoProto input : scopes.get(0).getInputList()) {
            if (input.getName().equals(value)) {
                Onnx.TypeProto.Tensor t = input.getType().getTensorType();
                if (!t.hasShape() || t.getShape().getDimCount() == 0 || !t.getShape().getDim(0).hasDimValue()) {
                    out.add(value);
                }
                return;
            }
        }
        Onnx.NodeProto n = producer(value, scopes);
        if (n != null) {
            ControlFlow.inputs(n).forEach(in -> batchedInputsBehind(in, scopes, seen, out));
        }
    }

    /** An integer model input of a fixed shape with at most {@link LoopUnrolling#KEYED_INPUT_ELEMENTS} elements. */
    private static boolean keyedInput(Onnx.ValueInfoProto input) {
        Onnx.TypeProto.Tensor t = input.getType().getTensorType();
        int type = t.getElemType();
        boolean integer = type == Onnx.TensorProto.DataType.INT64_VALUE || type == Onnx.TensorProto.DataType.INT32_VALUE
            || type == Onnx.TensorProto.DataType.BOOL_VALUE;
        if (!integer || !t.hasShape()) {
            return false;
        }
        long elements = 1;
        for (Onnx.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
            if (!d.hasDimValue()) {
                return false;
            }
            elements *= d.getDimValue();
        }
        return elements <= LoopUnrolling.KEYED_INPUT_ELEMENTS;
    }

    private static boolean isTrue(String value, List<Onnx.GraphProto> scopes, ValueShapes shapes) {
        Onnx.TensorProto t = initializer(value, scopes);
        if (t != null) {
            return isTrue(t);
        }
        long[] v = learnt(value, scopes, shapes);
        return v != null && v.length == 1 && v[0] != 0;
    }

    private static boolean isTrue(Onnx.TensorProto t) {
        if (t.getDataType() != Onnx.TensorProto.DataType.BOOL_VALUE) {
            return false;
        }
        if (t.hasRawData()) {
            return t.getRawData().size() == 1 && t.getRawData().byteAt(0) != 0;
        }
        return t.getInt32DataCount() == 1 && t.getInt32Data(0) != 0;
    }

    /** A Scan's trip count: the length of its first scanned input along its scan axis. */
    static long scan(Onnx.NodeProto node, List<Onnx.GraphProto> scopes, ValueShapes shapes) {
        int scanned = (int) LoopUnrolling.attrInt(node, "num_scan_inputs", 0);
        int states = node.getInputCount() - scanned;
        long[] axes = LoopUnrolling.attrInts(node, "scan_input_axes");
        long[] shape = shapes.shape(node.getInput(states));
        long axis = axes == null ? 0 : axes[0] < 0 ? axes[0] + shape.length : axes[0];
        long trips = shape[(int) axis];
        // a scan over a batched input's samples has the probe's batch as its length: refused, as a Loop's count would be
        Set<String> batched = new HashSet<>();
        batchedInputsBehind(node.getInput(states), scopes, new HashSet<>(), batched);
        for (String input : batched) {
            long[] probed = shapes.known(input) ? shapes.shape(input) : null;
            if (probed != null && probed.length > 0 && probed[0] == trips) {
                return 0;
            }
        }
        return trips;
    }
}
