package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.onnx.proto.Onnx;

/**
 * One differentiation's walk over a list of nodes, the main graph's or a subgraph's: checks that every node on
 * the path has a rule, then emits the derivative nodes in forward order (tangents) or reverse order (cotangents).
 * Rules for subgraphs (If) walk their branches with the same walk.
 *
 * @param active the values on a path from the differentiated input to the output, over every scope
 */
record Walk(ValueShapes shapes, RuleRegistry rules, int opset, Set<String> active, boolean forward) {
    String mode() {
        return forward ? "forward" : "reverse";
    }

    /** A node's name, or its operator and place when it has none, under the scope's label. */
    static String label(List<Onnx.NodeProto> nodes, int i, String scope) {
        String n = nodes.get(i).getName();
        String own = n.isEmpty() ? nodes.get(i).getOpType() + "_" + i : n;
        return scope.isEmpty() ? own : scope + "/" + own;
    }

    boolean onPath(Onnx.NodeProto node) {
        return ControlFlow.inputs(node).stream().anyMatch(active::contains)
            && node.getOutputList().stream().anyMatch(active::contains);
    }

    private Rule rule(Onnx.NodeProto node) {
        return rules.find(node.getDomain(), node.getOpType(), opset);
    }

    /** Fails, naming the node, where a node on the path (inside If branches too) has no rule. */
    void check(List<Onnx.NodeProto> nodes, String scope) {
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto node = nodes.get(i);
            if (!onPath(node)) {
                continue;
            }
            if (rule(node) == null) {
                String op = node.getDomain().isEmpty() ? node.getOpType() : node.getDomain() + "." + node.getOpType();
                throw new NotDifferentiableException("No " + mode() + "-mode derivative rule for operator " + op
                    + " (opset " + opset + ") at node '" + label(nodes, i, scope) + "'.");
            }
            if (ControlFlow.isIf(node)) {
                for (String branch : IfRule.BRANCHES) {
                    check(ControlFlow.branch(node, branch).getNodeList(), label(nodes, i, scope) + "/" + branch);
                }
            }
        }
    }

    /** Copies the nodes and emits the tangents of the active ones' outputs. */
    void forward(List<Onnx.NodeProto> nodes, String scope, Emitter e, Map<String, String> tangents) {
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto node = nodes.get(i);
            Rule rule = onPath(node) ? rule(node) : null;
            if (rule == null || !rule.replacesNode()) {
                e.copy(node);
            }
            if (rule != null) {
                String label = label(nodes, i, scope);
                e.prefix("jvp/" + label);
                apply(rule, new NodeContext(node, label, e, this, tangents, Map.of()));
            }
        }
    }

    /** Emits the cotangents of the active nodes' inputs, last node first (the nodes themselves are already copied). */
    void reverse(List<Onnx.NodeProto> nodes, String scope, Emitter e, Map<String, String> cotangents) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Onnx.NodeProto node = nodes.get(i);
            if (!onPath(node) || node.getOutputList().stream().noneMatch(cotangents::containsKey)) {
                continue;
            }
            String label = label(nodes, i, scope);
            e.prefix("vjp/" + label);
            apply(rule(node), new NodeContext(node, label, e, this, Map.of(), cotangents));
        }
    }

    /**
     * Runs a rule; a rule that breaks on a case it was not written for (say, a derivative with respect to an
     * input it never expects to be differentiated) becomes the usual message naming the node and its inputs.
     */
    private void apply(Rule rule, NodeContext c) {
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
}
