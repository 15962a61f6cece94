package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.onnx.proto.Onnx;

/**
 * The derivative of If: both branches are differentiated, each with the walk of the enclosing graph (a branch's
 * reads of enclosing values are dependencies like inputs), and the derivative is one If on the same condition, so
 * the branch taken computes its own derivative and the other branch never runs.
 *
 * <p>Forward mode replaces the If by one whose branches also return the tangents of the active outputs (tangents of
 * enclosing values are read from the enclosing graph). Reverse mode adds a second If after the primal one: its
 * branches recompute the branch's values (a branch's values live only inside it), walk its nodes backwards from the
 * outputs' cotangents and return the cotangents of the enclosing values the branch reads. A branch through which
 * no derivative flows to a value returns zeros for it.
 */
final class IfRule implements Rule {
    static final IfRule IF = new IfRule();

    static final List<String> BRANCHES = List.of("then_branch", "else_branch");

    private IfRule() {
    }

    @Override
    public boolean replacesNode() {
        return true;
    }

    @Override
    public void jvp(NodeContext c) {
        Onnx.NodeProto node = c.node();
        List<Integer> outputs = new ArrayList<>();
        for (int j = 0; j < node.getOutputCount(); j++) {
            if (c.isActive(node.getOutput(j))) {
                outputs.add(j);
            }
        }
        String kRef = ControlFlow.implicitInputs(node).stream().map(v -> c.tangents().get(v))
            .filter(t -> t != null).findFirst().orElse(null);
        if (kRef == null || outputs.isEmpty()) {
            c.e().copy(node);
            return;
        }
        Map<String, String> outer = new HashMap<>(c.tangents());
        outer.replaceAll((v, t) -> readable(c, t));
        Onnx.NodeProto.Builder b = node.toBuilder().clearAttribute();
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            Onnx.GraphProto branch = a.hasG() ? ControlFlow.branch(node, a.getName()) : null;
            b.addAttribute(branch == null ? a : a.toBuilder().setG(forwardBranch(c, outer, branch, a.getName(), outputs, kRef)).build());
        }
        List<String> tangents = emit(c, b, outputs.size(), "tangent");
        for (int i = 0; i < outputs.size(); i++) {
            c.setTangent(outputs.get(i), tangents.get(i));
        }
    }

    private static Onnx.GraphProto forwardBranch(NodeContext c, Map<String, String> outer, Onnx.GraphProto branch, String name,
                                                 List<Integer> outputs, String kRef) {
        Emitter e = c.e().subgraph();
        String scope = c.label() + "/" + name;
        Map<String, String> tangents = new HashMap<>(outer);
        c.walk().forward(branch.getNodeList(), scope, e, tangents);
        e.prefix("jvp/" + scope);
        Onnx.GraphProto.Builder g = branch.toBuilder().clearNode();
        for (int j : outputs) {
            String value = branch.getOutput(j).getName();
            int type = c.type(value);
            String t = tangents.get(value);
            g.addOutput(info(e.op("Identity", t != null ? t : e.zerosLike(kRef, value, type)), type));
        }
        return g.addAllNode(e.nodes()).build();
    }

    @Override
    public void vjp(NodeContext c) {
        Onnx.NodeProto node = c.node();
        List<String> reads = ControlFlow.implicitInputs(node).stream().filter(c::isActive).toList();
        List<String> outputCotangents = new ArrayList<>();
        String kRef = null;
        for (int j = 0; j < c.outputCount(); j++) {
            outputCotangents.add(readable(c, c.cotangent(j)));
            kRef = kRef != null ? kRef : outputCotangents.get(j);
        }
        if (reads.isEmpty() || kRef == null) {
            return;
        }
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType("If").setName(c.e().fresh("if"))
            .addInput(node.getInput(0));
        for (String name : BRANCHES) {
            b.addAttribute(Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.GRAPH)
                .setG(reverseBranch(c, ControlFlow.branch(node, name), name, outputCotangents, reads, kRef)));
        }
        List<String> cotangents = emit(c, b, reads.size(), "cotangent");
        for (int i = 0; i < reads.size(); i++) {
            c.addCotangentOf(reads.get(i), cotangents.get(i));
        }
    }

    private static Onnx.GraphProto reverseBranch(NodeContext c, Onnx.GraphProto branch, String name,
                                                 List<String> outputCotangents, List<String> reads, String kRef) {
        Emitter e = c.e().subgraph();
        String scope = c.label() + "/" + name;
        branch.getNodeList().forEach(e::copy);
        e.prefix("vjp/" + scope);
        Map<String, String> cotangents = new HashMap<>();
        for (int j = 0; j < outputCotangents.size(); j++) {
            String g = outputCotangents.get(j);
            if (g != null) {
                cotangents.merge(branch.getOutput(j).getName(), g, e::add);
            }
        }
        c.walk().reverse(branch.getNodeList(), scope, e, cotangents);
        e.prefix("vjp/" + scope);
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName(branch.getName() + " (reverse)")
            .addAllInitializer(branch.getInitializerList());
        for (String v : reads) {
            int type = c.type(v);
            String ct = cotangents.get(v);
            g.addOutput(info(e.op("Identity", ct != null ? ct : e.zerosLike(kRef, v, type)), type));
        }
        return g.addAllNode(e.nodes()).build();
    }

    /** Emits the If built in {@code b} with {@code count} more outputs of fresh names, which it returns. */
    private static List<String> emit(NodeContext c, Onnx.NodeProto.Builder b, int count, String tag) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(c.e().fresh(tag));
        }
        c.e().add(b.addAllOutput(names).build());
        return names;
    }

    /**
     * {@code value}, or for the seed an alias of it emitted in the enclosing graph: the second pass of a Hessian renames
     * the seed of the first where nodes name it, and a branch names the values it reads only inside itself.
     */
    private static String readable(NodeContext c, String value) {
        return value != null && value.equals(Differentiator.SEED) ? c.e().op("Identity", value) : value;
    }

    private static Onnx.ValueInfoProto info(String name, int type) {
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
            .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type))).build();
    }
}
