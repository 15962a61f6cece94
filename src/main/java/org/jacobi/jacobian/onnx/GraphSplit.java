package org.jacobi.jacobian.onnx;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;

/**
 * A model cut at a bottleneck value for mixed mode ({@link ModeCost}): the prefix model (inputs to the cut) and the
 * suffix model (the cut and the inputs it reads, to the output), each with its own {@link OnnxGraphPreparer} and
 * {@link InputJacobians}, so that chunking, the memory budget and cancelling work for each part as for any Jacobian.
 */
final class GraphSplit implements AutoCloseable {
    private final String cut;
    private final OnnxModel prefixModel;
    private final OnnxModel suffixModel;
    private final InputJacobians prefix;
    private final InputJacobians suffix;

    private GraphSplit(String cut, OnnxModel prefixModel, OnnxModel suffixModel, RuleRegistry rules) {
        this.cut = cut;
        this.prefixModel = prefixModel;
        this.suffixModel = suffixModel;
        this.prefix = new InputJacobians(new OnnxGraphPreparer(prefixModel, rules));
        this.suffix = new InputJacobians(new OnnxGraphPreparer(suffixModel, rules));
    }

    /** {@code prepared} (the model after the pre-passes, with its value shapes) cut at {@code cut}. */
    static GraphSplit of(OnnxModel model, Onnx.ModelProto prepared, ValueShapes shapes, String of, String cut, RuleRegistry rules) {
        Onnx.ValueInfoProto cutInfo = batchedInfo(cut, shapes);
        Path name = model.path() == null ? Path.of(model.info().fileName()) : model.path();
        OnnxModel prefixModel = OnnxModel.fromProto(name, part(prepared, Set.of(cut), null, cutInfo, List.of(cutInfo)),
            model.devicePreference());
        Onnx.ValueInfoProto ofInfo = outputInfo(prepared, of, shapes);
        OnnxModel suffixModel = OnnxModel.fromProto(name, part(prepared, Set.of(of), cut, cutInfo, List.of(ofInfo)),
            model.devicePreference());
        return new GraphSplit(cut, prefixModel, suffixModel, rules);
    }

    String cut() {
        return cut;
    }

    OnnxModel suffixModel() {
        return suffixModel;
    }

    /** The Jacobians of the prefix (inputs to the cut). */
    InputJacobians prefix() {
        return prefix;
    }

    /** The Jacobians of the suffix (the cut to the output). */
    InputJacobians suffix() {
        return suffix;
    }

    /** A value's info with a dynamic leading (batch) axis and its measured other dims. */
    private static Onnx.ValueInfoProto batchedInfo(String name, ValueShapes shapes) {
        long[] s = shapes.shape(name);
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int i = 1; i < s.length; i++) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(s[i]));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
            Onnx.TypeProto.Tensor.newBuilder().setElemType(shapes.type(name)).setShape(shape))).build();
    }

    private static Onnx.ValueInfoProto outputInfo(Onnx.ModelProto model, String of, ValueShapes shapes) {
        for (Onnx.ValueInfoProto out : model.getGraph().getOutputList()) {
            if (out.getName().equals(of)) {
                return out;
            }
        }
        return batchedInfo(of, shapes);
    }

    /**
     * The nodes {@code targets} need, walking back from them and stopping at {@code stop} (which becomes an input,
     * described by {@code stopInfo}); the graph's inputs that those nodes read; every initializer.
     */
    private static Onnx.ModelProto part(Onnx.ModelProto model, Set<String> targets, String stop, Onnx.ValueInfoProto stopInfo,
                                        List<Onnx.ValueInfoProto> outputs) {
        Onnx.GraphProto graph = model.getGraph();
        Set<String> needed = new HashSet<>(targets);
        List<Onnx.NodeProto> nodes = graph.getNodeList();
        boolean[] keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Onnx.NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(o -> needed.contains(o) && !o.equals(stop))) {
                keep[i] = true;
                needed.addAll(ControlFlow.inputs(n)); // a subgraph's reads included
            }
        }
        Onnx.GraphProto.Builder g = graph.toBuilder().clearNode().clearInput().clearOutput();
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                g.addNode(nodes.get(i));
            }
        }
        if (stop != null) {
            g.addInput(stopInfo);
        }
        for (Onnx.ValueInfoProto in : graph.getInputList()) {
            if (needed.contains(in.getName()) && !in.getName().equals(stop)) {
                g.addInput(in);
            }
        }
        g.addAllOutput(outputs);
        return model.toBuilder().setGraph(g).build();
    }

    @Override
    public void close() {
        prefix.close();
        suffix.close();
        prefix.graphs().close();
        suffix.graphs().close();
        prefixModel.close();
        suffixModel.close();
    }
}
