package org.jacobi.model.onnx;

import java.util.function.Function;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/**
 * The floating-point operations of one ONNX node, from the shapes of its values: matrix products and convolutions
 * count 2 per multiply-add, other nodes one per output element. The benchmark's FLOP count and the cost model that
 * picks the order of differentiation both use it.
 */
public final class NodeFlops {
    private NodeFlops() {
    }

    /** FLOPs of {@code node}; {@code shape} gives a value's shape, or null when it is not known (then 0 for the node). */
    public static double of(Onnx.NodeProto node, Function<String, long[]> shape) {
        long[] y = node.getOutputCount() == 0 || node.getOutput(0).isEmpty() ? null : shape.apply(node.getOutput(0));
        if (y == null) {
            return 0;
        }
        double outElements = Tensor.elementCount(y);
        switch (node.getOpType()) {
            case "MatMul", "Gemm" -> {
                long[] a = shape.apply(node.getInput(0));
                boolean transA = node.getOpType().equals("Gemm") && attrInt(node, "transA") == 1;
                long k = a == null || a.length == 0 ? 1 : transA && a.length >= 2 ? a[a.length - 2] : a[a.length - 1];
                return 2 * outElements * k;
            }
            case "Conv", "ConvTranspose" -> {
                long[] w = node.getInputCount() < 2 ? null : shape.apply(node.getInput(1));
                double perElement = 1;
                if (w != null) {
                    for (int i = 1; i < w.length; i++) {
                        perElement *= w[i]; // Conv: C_in/groups x kernel per output; ConvTranspose: C_out/groups x kernel per input
                    }
                }
                long[] x = shape.apply(node.getInput(0));
                boolean transpose = node.getOpType().equals("ConvTranspose") && w != null && x != null;
                return 2 * (transpose ? Tensor.elementCount(x) : outElements) * perElement;
            }
            default -> {
                return outElements;
            }
        }
    }

    private static long attrInt(Onnx.NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(Onnx.AttributeProto::getI)
            .findFirst().orElse(0);
    }
}
