package org.jacobi.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

class FactorFoldingTest {
    private static Onnx.NodeProto node(String op, String out, String... in) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(List.of(in)).addOutput(out).build();
    }

    private static List<Onnx.NodeProto> fold(List<Onnx.NodeProto> nodes) {
        return FactorFolding.fold(nodes, "seed", Set.of("result"), new Emitter(17, Set.of("seed", "a", "b", "c", "x")));
    }

    @Test
    void chainOfDirectionFreeFactorsBecomesOnePerSampleProduct() {
        List<Onnx.NodeProto> folded = fold(List.of(
            node("Relu", "a", "x"),
            node("Mul", "u", "seed", "a"),
            node("Mul", "v", "b", "u"),
            node("Mul", "w", "v", "c"),
            node("Identity", "result", "w")));
        // The three factors are multiplied together first; the seed is multiplied once.
        List<Onnx.NodeProto> withSeed = folded.stream().filter(n -> n.getInputList().contains("seed")).toList();
        assertEquals(1, withSeed.size());
        assertEquals("Mul", withSeed.get(0).getOpType());
        assertEquals("w", withSeed.get(0).getOutput(0));
        assertEquals(5, folded.size(), "two factor products and one directional product replace three products");
        assertEquals("result", folded.get(folded.size() - 1).getOutput(0));
        assertTopological(folded);
    }

    @Test
    void sharedIntermediateAndDirectionalFactorsStay() {
        List<Onnx.NodeProto> shared = List.of(
            node("Mul", "u", "seed", "a"),
            node("Mul", "v", "u", "b"),
            node("Add", "w", "u", "v"),
            node("Identity", "result", "w"));
        assertEquals(shared, fold(shared));
        List<Onnx.NodeProto> bothDirectional = List.of(
            node("Mul", "u", "seed", "a"),
            node("Mul", "v", "u", "seed"),
            node("Identity", "result", "v"));
        assertEquals(bothDirectional, fold(bothDirectional));
    }

    private static void assertTopological(List<Onnx.NodeProto> nodes) {
        Set<String> known = new HashSet<>(Set.of("seed", "a", "b", "c", "x"));
        for (Onnx.NodeProto n : nodes) {
            for (String in : n.getInputList()) {
                assertEquals(true, known.contains(in), "input " + in + " of " + n.getName() + " is defined earlier");
            }
            known.addAll(n.getOutputList());
        }
    }
}
