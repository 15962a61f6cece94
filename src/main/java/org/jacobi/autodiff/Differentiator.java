package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.NotDifferentiableException;
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
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get(i).getName();
            labels.add(n.isEmpty() ? nodes.get(i).getOpType() + "_" + i : n);
        }
        Set<String> active = activeValues(nodes, shapes, wrt, of, rules, opset);
        // Fail early, naming every problem's node, before emitting anything.
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto node = nodes.get(i);
            if (!onPath(node, active)) {
                continue;
            }
            if (rules.find(node.getDomain(), node.getOpType(), opset) == null) {
                String op = node.getDomain().isEmpty() ? node.getOpType() : node.getDomain() + "." + node.getOpType();
                throw new NotDifferentiableException("No " + mode + "-mode derivative rule for operator " + op
                    + " (opset " + opset + ") at node '" + labels.get(i) + "'.");
            }
        }

        Set<String> taken = new HashSet<>();
        graph.getInputList().forEach(v -> taken.add(v.getName()));
        graph.getInitializerList().forEach(t -> taken.add(t.getName()));
        nodes.forEach(n -> taken.addAll(n.getOutputList()));
        taken.add(SEED);
        taken.add(RESULT);
        Emitter e = new Emitter(opset, taken);
        Map<String, String> tangents = new HashMap<>();
        Map<String, String> cotangents = new HashMap<>();
        String result;
        if (forward) {
            tangents.put(wrt, SEED);
            for (int i = 0; i < nodes.size(); i++) {
                Onnx.NodeProto node = nodes.get(i);
                e.copy(node);
                if (onPath(node, active)) {
                    e.prefix("jvp/" + labels.get(i));
                    NodeContext c = new NodeContext(node, labels.get(i), e, shapes, tangents, cotangents, active, true);
                    apply(rules.find(node.getDomain(), node.getOpType(), opset), c, true);
                }
            }
            result = tangents.get(of);
        } else {
            nodes.forEach(e::copy);
            // The seed has the input's element type (the engine's one buffer type); the output's may differ (Cast).
            int ofType = shapes.type(of);
            e.prefix("jacobi/seed");
            cotangents.put(of, ofType == shapes.type(wrt) ? SEED : e.cast(SEED, ofType));
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Onnx.NodeProto node = nodes.get(i);
                if (!onPath(node, active) || node.getOutputList().stream().noneMatch(cotangents::containsKey)) {
                    continue;
                }
                e.prefix("vjp/" + labels.get(i));
                NodeContext c = new NodeContext(node, labels.get(i), e, shapes, tangents, cotangents, active, false);
                apply(rules.find(node.getDomain(), node.getOpType(), opset), c, false);
            }
            result = cotangents.get(wrt);
        }
        if (wrt.equals(of)) {
            result = SEED; // the output is the input itself: the identity
        }
        e.prefix("jacobi");
        // Seed and result both have the input's element type, whatever the output's.
        int type = shapes.type(wrt);
        if (result == null) {
            // The output does not depend on the input: its derivative is zero.
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
        Onnx.ModelProto out = model.toBuilder().setGraph(g).setProducerName("jacobi-autodiff").build();
        return new DifferentiatedGraph(out, direction, wrt, of, SEED, RESULT);
    }

    /**
     * Runs a rule; a rule that breaks on a case it was not written for (say, a derivative with respect to an
     * input it never expects to be differentiated) becomes the usual message naming the node and its inputs.
     */
    private static void apply(Rule rule, NodeContext c, boolean forward) {
        try {
            if (forward) {
                rule.jvp(c);
            } else {
                rule.vjp(c);
            }
        } catch (NotDifferentiableException e) {
            throw e;
        } catch (RuntimeException e) {
            List<String> differentiated = new ArrayList<>();
            for (int i = 0; i < c.inputCount(); i++) {
                if (c.differentiated(i)) {
                    differentiated.add("'" + c.input(i) + "'");
                }
            }
            throw new NotDifferentiableException(c.fail("its rule does not handle derivatives with respect to "
                + String.join(", ", differentiated) + " (" + e + ")").getMessage(), e);
        }
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

    private static boolean onPath(Onnx.NodeProto node, Set<String> active) {
        return node.getInputList().stream().anyMatch(active::contains)
            && node.getOutputList().stream().anyMatch(active::contains);
    }

    /**
     * Values that depend on {@code wrt} through differentiable float paths and on which {@code of} depends.
     * Operators without a rule propagate, so that a missing rule on the path is found and reported.
     */
    static Set<String> activeValues(List<Onnx.NodeProto> nodes, ValueShapes shapes, String wrt, String of,
                                    RuleRegistry rules, int opset) {
        Set<String> reach = new HashSet<>();
        reach.add(wrt);
        for (Onnx.NodeProto node : nodes) {
            if (node.getInputList().stream().noneMatch(reach::contains)) {
                continue;
            }
            Rule rule = rules.find(node.getDomain(), node.getOpType(), opset);
            if (rule != null && !rule.differentiable()) {
                continue;
            }
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && (!shapes.known(out) || shapes.isFloat(out))) {
                    reach.add(out);
                }
            }
        }
        Set<String> needed = new HashSet<>();
        needed.add(of);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Onnx.NodeProto node = nodes.get(i);
            if (node.getOutputList().stream().anyMatch(needed::contains)) {
                needed.addAll(node.getInputList());
            }
        }
        reach.retainAll(needed);
        return reach;
    }
}
