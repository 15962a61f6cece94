package org.jacobi.jacobian.onnx;

import java.util.Arrays;
import java.util.Map;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/** The graph edits that turn a reverse pass into the first half of a forward-over-reverse Hessian graph. */
final class SecondOrder {
    private SecondOrder() {
    }

    /** Keeps the primal output {@code of} among the outputs (the Differentiator keeps only what it differentiates). */
    static Onnx.ModelProto withOutput(Onnx.ModelProto model, String of, Onnx.ModelProto source) {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        if (g.getOutputList().stream().noneMatch(v -> v.getName().equals(of))) {
            source.getGraph().getOutputList().stream().filter(v -> v.getName().equals(of)).findFirst().ifPresent(g::addOutput);
        }
        return model.toBuilder().setGraph(g).build();
    }

    /** Renames values (inputs, outputs, node inputs and outputs, node names, reads inside subgraphs) of a graph. */
    static Onnx.ModelProto renameValues(Onnx.ModelProto model, Map<String, String> names) {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder().clearNode();
        for (Onnx.NodeProto n : model.getGraph().getNodeList()) {
            // subgraphs (If branches) read the seed by name too
            Onnx.NodeProto renamed = ControlFlow.rename(n, names);
            g.addNode(renamed.toBuilder().setName(names.getOrDefault(n.getName(), n.getName())));
        }
        for (Onnx.ValueInfoProto.Builder v : g.getInputBuilderList()) {
            if (names.containsKey(v.getName()) && v.getType().getTensorType().getShape().getDimCount() > 0) {
                // The fixed cotangent has one direction: its axis must not share the dim_param "directions"
                // with the seed of the forward pass built on top.
                v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).clearDimParam().setDimValue(1);
            }
            v.setName(names.getOrDefault(v.getName(), v.getName()));
        }
        for (Onnx.ValueInfoProto.Builder v : g.getOutputBuilderList()) {
            v.setName(names.getOrDefault(v.getName(), v.getName()));
        }
        return model.toBuilder().setGraph(g).build();
    }

    static Tensor ones(ElementType type, long[] shape) {
        double[] d = new double[Math.toIntExact(Tensor.elementCount(shape))];
        Arrays.fill(d, 1.0);
        return Tensor.ofDoubles(d, shape).asType(type);
    }

    static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }
}
