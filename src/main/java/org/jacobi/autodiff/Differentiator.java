package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.onnx.proto.Onnx;

/**
 * The ONNX graph-to-graph transform: builds a new model that computes the primal output {@code of} and
 * its tangent (forward mode) or the cotangent of {@code wrt} (reverse mode), for K directions at once.
 * The source model is never modified. Only nodes on a path from {@code wrt} to {@code of} are
 * differentiated; an operator there without a rule fails before anything runs. Rules expect the current
 * operator forms: models of older opsets go through {@code expand.OpsetNormalizer} first (the engine does).
 */
public final class Differentiator {
    public enum Direction { FORWARD, REVERSE }

    public static final String SEED = "jacobi/seed";
    public static final String RESULT = "jacobi/result";

    private Differentiator() {
    }

    /** The default-domain opset the model imports. */
    public static int opset(Onnx.ModelProto model) {
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return (int) o.getVersion();
            }
        }
        return 1;
    }

    public static DifferentiatedGraph differentiate(Onnx.ModelProto model, ValueShapes shapes, String wrt, String of,
                                                    Direction direction, RuleRegistry rules) {
        Onnx.GraphProto graph = model.getGraph();
        int opset = opset(model);
        boolean forward = direction == Direction.FORWARD;
        String mode = forward ? "forward" : "reverse";
        List<Onnx.NodeProto> nodes = graph.getNodeList();
        Dependencies dependencies = Dependencies.of(graph, shapes, wrt, of, rules, opset);
        Walk walk = new Walk(shapes, rules, opset, dependencies.active(), forward);
        // Fail early, naming the node, before emitting anything.
        walk.check(nodes, "");

        Set<String> taken = new HashSet<>();
        graph.getInputList().forEach(v -> taken.add(v.getName()));
        graph.getInitializerList().forEach(t -> taken.add(t.getName()));
        nodes.forEach(n -> taken.addAll(n.getOutputList()));
        taken.add(SEED);
        taken.add(RESULT);
        Emitter e = new Emitter(opset, taken);
        String result;
        if (forward) {
            Map<String, String> tangents = new HashMap<>();
            tangents.put(wrt, SEED);
            walk.forward(nodes, "", e, tangents);
            result = tangents.get(of);
        } else {
            nodes.forEach(e::copy);
            // The seed has the input's element type (the engine's one buffer type); the output's may differ (Cast).
            int ofType = shapes.type(of);
            e.prefix("jacobi/seed");
            Map<String, String> cotangents = new HashMap<>();
            cotangents.put(of, ofType == shapes.type(wrt) ? SEED : e.cast(SEED, ofType));
            walk.reverse(nodes, "", e, cotangents);
            result = cotangents.get(wrt);
        }
        if (wrt.equals(of)) {
            result = SEED; // the output is the input itself: the identity
        }
        e.prefix("jacobi");
        // Seed and result both have the input's element type, whatever the output's.
        int type = shapes.type(wrt);
        if (result == null) {
            // No differentiable path: the derivative is zero (through integer or piecewise-constant operators only),
            // or the output does not depend on the input at all, which the result says (dependsOnInput).
            result = e.zerosLike(SEED, forward ? of : wrt, type);
        } else if (forward && shapes.type(of) != type) {
            result = e.cast(result, type);
        }
        e.add(Onnx.NodeProto.newBuilder().setOpType("Identity").setName(RESULT).addInput(result).addOutput(RESULT).build());

        Onnx.GraphProto.Builder g = graph.toBuilder().clearNode().clearOutput();
        Set<String> keep = new HashSet<>();
        keep.add(RESULT);
        graph.getOutputList().forEach(v -> keep.add(v.getName()));
        g.addAllNode(FactorFolding.fold(e.nodes(), SEED, keep, e));
        g.addAllInitializer(e.initializers());
        g.addInput(seedInfo(graph, forward ? wrt : of, type));
        for (Onnx.ValueInfoProto out : graph.getOutputList()) {
            if (out.getName().equals(of)) {
                g.addOutput(out);
            }
        }
        if (g.getOutputCount() == 0) {
            g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(of).setType(tensorType(shapes.type(of))));
        }
        g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(RESULT).setType(tensorType(type)));
        g.setName(graph.getName() + " (" + mode + "-mode derivative)");
        // A reverse-mode If recomputes its branch under the branch's own value names: one name, one value again.
        Onnx.ModelProto out = ControlFlow.uniqueNames(model.toBuilder().setGraph(g).setProducerName("jacobi-autodiff").build());
        return new DifferentiatedGraph(out, direction, wrt, of, SEED, RESULT, dependencies.depends());
    }

    private static Onnx.TypeProto tensorType(int elemType) {
        return Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elemType)).build();
    }

    /** The seed input: {@code [directions, *declared shape of the primal value]}. */
    private static Onnx.ValueInfoProto seedInfo(Onnx.GraphProto graph, String primal, int type) {
        Onnx.TypeProto.Tensor.Builder t = Onnx.TypeProto.Tensor.newBuilder().setElemType(type);
        List<Onnx.ValueInfoProto> declared = new ArrayList<>(graph.getInputList());
        declared.addAll(graph.getOutputList());
        for (Onnx.ValueInfoProto v : declared) {
            if (v.getName().equals(primal) && v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
                Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
                s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("directions"));
                s.addAllDim(v.getType().getTensorType().getShape().getDimList());
                t.setShape(s);
                break;
            }
        }
        return Onnx.ValueInfoProto.newBuilder().setName(SEED).setType(Onnx.TypeProto.newBuilder().setTensorType(t)).build();
    }
}
