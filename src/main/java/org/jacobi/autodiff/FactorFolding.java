package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.onnx.proto.Onnx;

/**
 * Folds chains of products with direction-free factors: {@code Mul(Mul(t, a), b)}, where {@code t} carries the
 * direction axis K and {@code a}, {@code b} do not (Relu and MaxPool masks, pooling scales), becomes
 * {@code Mul(t, Mul(a, b))}. The factors are then multiplied once per sample instead of once per direction and
 * sample, which removes a K-times-larger pass over memory. Broadcasting is associative, so shapes are unchanged;
 * the values differ at most by float rounding of the reassociated product (not at all for 0/1 masks and powers
 * of two).
 */
final class FactorFolding {
    private FactorFolding() {
    }

    /**
     * The nodes with every foldable chain folded; {@code seed} is the graph input carrying K, {@code keep} the
     * values read from outside the nodes (graph outputs), which are never removed.
     */
    static List<Onnx.NodeProto> fold(List<Onnx.NodeProto> nodes, String seed, Set<String> keep, Emitter names) {
        List<Onnx.NodeProto> current = new ArrayList<>(nodes);
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<String> directional = directional(current, seed);
            Map<String, Integer> uses = new HashMap<>();
            Map<String, Integer> producer = new HashMap<>();
            for (int i = 0; i < current.size(); i++) {
                for (String in : current.get(i).getInputList()) {
                    uses.merge(in, 1, Integer::sum);
                }
                for (String in : ControlFlow.implicitInputs(current.get(i))) { // an If branch's reads are uses too
                    uses.merge(in, 1, Integer::sum);
                }
                for (String out : current.get(i).getOutputList()) {
                    producer.put(out, i);
                }
            }
            for (int i = 0; i < current.size() && !changed; i++) {
                Onnx.NodeProto outer = current.get(i);
                if (!isPlainMul(outer)) {
                    continue;
                }
                int tIndex = factorSide(outer, directional);
                if (tIndex < 0) {
                    continue;
                }
                String inner = outer.getInput(tIndex);
                Integer p = producer.get(inner);
                if (p == null || uses.getOrDefault(inner, 0) != 1 || keep.contains(inner)) {
                    continue;
                }
                Onnx.NodeProto innerNode = current.get(p);
                if (!isPlainMul(innerNode)) {
                    continue;
                }
                int innerT = factorSide(innerNode, directional);
                if (innerT < 0) {
                    continue;
                }
                String factorA = innerNode.getInput(1 - innerT);
                String factorB = outer.getInput(1 - tIndex);
                String product = names.fresh("folded_factor");
                Onnx.NodeProto factorNode = Onnx.NodeProto.newBuilder().setOpType("Mul").setName(product)
                    .addInput(factorA).addInput(factorB).addOutput(product).build();
                Onnx.NodeProto folded = outer.toBuilder().clearInput()
                    .addInput(innerNode.getInput(innerT)).addInput(product).build();
                current.set(i, folded);
                current.add(i, factorNode);
                current.remove((int) p);
                changed = true;
            }
        }
        return current;
    }

    private static boolean isPlainMul(Onnx.NodeProto n) {
        return n.getOpType().equals("Mul") && n.getDomain().isEmpty() && n.getInputCount() == 2 && n.getOutputCount() == 1;
    }

    /** The input index that carries K when exactly one input does, else -1. */
    private static int factorSide(Onnx.NodeProto mul, Set<String> directional) {
        boolean a = directional.contains(mul.getInput(0));
        boolean b = directional.contains(mul.getInput(1));
        return a == b ? -1 : a ? 0 : 1;
    }

    /** The values that depend on the seed. */
    private static Set<String> directional(List<Onnx.NodeProto> nodes, String seed) {
        Set<String> d = new HashSet<>();
        d.add(seed);
        for (Onnx.NodeProto n : nodes) {
            if (ControlFlow.inputs(n).stream().anyMatch(d::contains)) {
                d.addAll(n.getOutputList());
            }
        }
        return d;
    }
}
