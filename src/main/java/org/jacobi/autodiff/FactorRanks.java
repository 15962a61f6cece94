package org.jacobi.autodiff;

import java.util.Map;
import java.util.Set;
import org.jacobi.onnx.proto.Onnx;

/**
 * The rank of a direction-free value of a differentiated graph (a mask, an activation's slope): from the primal
 * shapes, the initializers, and Transposes and elementwise operators over them. The graph passes that move the
 * direction axis need it to know which axes a factor broadcasts over.
 */
final class FactorRanks {
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Cast", "Sigmoid", "Tanh",
        "Relu", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Greater", "Less", "Equal", "Where", "Abs", "Erf", "Identity");

    private FactorRanks() {
    }

    /** The rank of {@code v}; -1 when it cannot be told. */
    static int rank(String v, Map<String, Onnx.NodeProto> producer, Map<String, Onnx.TensorProto> initializers, ValueShapes shapes) {
        return rank(v, producer, initializers, shapes, 0);
    }

    /** The rank of a direction-free value: known shapes, initializers, and elementwise ops over them; -1 if unknown. */
    private static int rank(String v, Map<String, Onnx.NodeProto> producer, Map<String, Onnx.TensorProto> initializers,
                            ValueShapes shapes, int depth) {
        if (initializers.containsKey(v)) {
            return initializers.get(v).getDimsCount();
        }
        if (shapes.known(v)) {
            return shapes.rank(v);
        }
        Onnx.NodeProto n = producer.get(v);
        if (n != null && n.getDomain().isEmpty() && n.getOpType().equals("Transpose") && depth <= 32) {
            return rank(n.getInput(0), producer, initializers, shapes, depth + 1);
        }
        if (n == null || depth > 32 || !n.getDomain().isEmpty() || !ELEMENTWISE.contains(n.getOpType())) {
            return -1;
        }
        int rank = 0;
        for (String in : n.getInputList()) {
            int ri = rank(in, producer, initializers, shapes, depth + 1);
            if (ri < 0) {
                return -1;
            }
            rank = Math.max(rank, ri);
        }
        return rank;
    }
}
