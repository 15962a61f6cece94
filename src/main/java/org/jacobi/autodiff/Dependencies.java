package org.jacobi.autodiff;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jacobi.onnx.proto.Onnx;

/**
 * Which values depend on the differentiated input and which the differentiated output depends on, over the whole
 * model: the branches of every If are followed, and the values of enclosing graphs a subgraph reads (its implicit
 * inputs, at any depth) count as inputs of its node. A node with a subgraph that is not an If (a Loop or Scan left
 * as it is) depends on everything it reads, so a path through it is found and refused by its rule.
 *
 * @param active values on a differentiable path from {@code wrt} to {@code of}: the ones that get (co)tangents
 * @param depends whether {@code of} depends on {@code wrt} at all, through any node (integer and piecewise-constant
 *     paths included); when it does not, a zero derivative is no result but "does not depend"
 */
record Dependencies(Set<String> active, boolean depends) {
    static Dependencies of(Onnx.GraphProto graph, ValueShapes shapes, String wrt, String of, RuleRegistry rules, int opset) {
        Set<String> any = new HashSet<>(Set.of(wrt));
        reach(graph.getNodeList(), any, shapes, rules, opset, true);
        Set<String> differentiable = new HashSet<>(Set.of(wrt));
        reach(graph.getNodeList(), differentiable, shapes, rules, opset, false);
        Set<String> needed = new HashSet<>(Set.of(of));
        needed(graph.getNodeList(), needed);
        differentiable.retainAll(needed);
        return new Dependencies(differentiable, wrt.equals(of) || any.contains(of));
    }

    /**
     * Adds to {@code reach} the values computed from it. Differentiable reach ({@code structural} false) stops at
     * operators whose outputs carry no derivative and at integer values; operators without a rule propagate, so that
     * a missing rule on the path is found and reported.
     */
    private static void reach(List<Onnx.NodeProto> nodes, Set<String> reach, ValueShapes shapes, RuleRegistry rules,
                              int opset, boolean structural) {
        for (Onnx.NodeProto node : nodes) {
            if (ControlFlow.inputs(node).stream().noneMatch(reach::contains)) {
                continue;
            }
            if (ControlFlow.isIf(node)) {
                Onnx.GraphProto then = ControlFlow.branch(node, "then_branch");
                Onnx.GraphProto otherwise = ControlFlow.branch(node, "else_branch");
                reach(then.getNodeList(), reach, shapes, rules, opset, structural);
                reach(otherwise.getNodeList(), reach, shapes, rules, opset, structural);
                boolean condition = structural && reach.contains(node.getInput(0));
                for (int j = 0; j < node.getOutputCount(); j++) {
                    if (condition || reach.contains(then.getOutput(j).getName())
                        || reach.contains(otherwise.getOutput(j).getName())) {
                        addIf(reach, node.getOutput(j), shapes, structural);
                    }
                }
                continue;
            }
            Rule rule = rules.find(node.getDomain(), node.getOpType(), opset);
            if (!structural && rule != null && !rule.differentiable()) {
                continue;
            }
            node.getOutputList().forEach(out -> addIf(reach, out, shapes, structural));
        }
    }

    private static void addIf(Set<String> reach, String out, ValueShapes shapes, boolean structural) {
        if (!out.isEmpty() && (structural || !shapes.known(out) || shapes.isFloat(out))) {
            reach.add(out);
        }
    }

    /** Adds to {@code needed} every value a needed value is computed from, through the branches of If nodes. */
    private static void needed(List<Onnx.NodeProto> nodes, Set<String> needed) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Onnx.NodeProto node = nodes.get(i);
            if (node.getOutputList().stream().noneMatch(needed::contains)) {
                continue;
            }
            if (!ControlFlow.isIf(node)) {
                needed.addAll(ControlFlow.inputs(node));
                continue;
            }
            needed.add(node.getInput(0));
            for (Onnx.GraphProto branch : ControlFlow.subgraphs(node)) {
                for (int j = 0; j < node.getOutputCount(); j++) {
                    if (needed.contains(node.getOutput(j))) {
                        needed.add(branch.getOutput(j).getName());
                    }
                }
                needed(branch.getNodeList(), needed);
            }
        }
    }
}
