package org.jacobi.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

class TransposeSplittingTest {
    private static Onnx.NodeProto transpose(String in, String out, long... perm) {
        return Onnx.NodeProto.newBuilder().setOpType("Transpose").setName(out).addInput(in).addOutput(out)
            .addAttribute(Attr.ints("perm", perm)).build();
    }

    private static Onnx.NodeProto node(String op, String out, String... in) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(List.of(in)).addOutput(out).build();
    }

    private static long[] perm(Onnx.NodeProto n) {
        return n.getAttribute(0).getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Applies {@code perm} to axis labels: output axis i is input axis perm[i]. */
    private static long[] apply(long[] axes, long[] perm) {
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = axes[(int) perm[i]];
        }
        return out;
    }

    @Test
    void aTransposeMovingTheInnerAxisIntoAMatMulBecomesARowCopyAndASwap() {
        List<Onnx.NodeProto> nodes = List.of(transpose("k", "kt", 0, 1, 3, 4, 2), node("MatMul", "s", "q", "kt"));
        List<Onnx.NodeProto> split = TransposeSplitting.split(nodes, new Emitter(17, List.of("k", "kt", "q", "s")));
        assertEquals(3, split.size());
        long[] first = perm(split.get(0));
        long[] second = perm(split.get(1));
        assertEquals(4, first[4], "the first keeps the innermost axis in place");
        assertArrayEquals(new long[] {0, 1, 2, 4, 3}, second, "the second swaps the last two axes");
        assertArrayEquals(new long[] {0, 1, 3, 4, 2}, apply(apply(new long[] {0, 1, 2, 3, 4}, first), second),
            "together they are the original permutation");
        assertEquals("kt", split.get(1).getOutput(0));
        assertEquals(split.get(0).getOutput(0), split.get(1).getInput(0));
    }

    @Test
    void otherTransposesStayAsTheyAre() {
        Emitter names = new Emitter(17, List.of());
        // the innermost axis stays
        List<Onnx.NodeProto> rows = List.of(transpose("a", "b", 0, 2, 1, 3), node("MatMul", "c", "b", "w"));
        assertEquals(rows, TransposeSplitting.split(rows, names));
        // already a swap of the last two axes
        List<Onnx.NodeProto> swap = List.of(transpose("a", "b", 0, 1, 3, 2), node("MatMul", "c", "b", "w"));
        assertEquals(swap, TransposeSplitting.split(swap, names));
        // read by something other than MatMul
        List<Onnx.NodeProto> other = List.of(transpose("a", "b", 0, 2, 3, 1), node("Relu", "c", "b"));
        assertEquals(other, TransposeSplitting.split(other, names));
    }
}
