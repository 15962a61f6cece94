package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.onnx.proto.Onnx;

/**
 * Splits a Transpose that moves the innermost axis and feeds only MatMul into two: one that keeps the innermost
 * axis in place (a copy of contiguous rows), then a swap of the last two axes, which ONNX Runtime folds into the
 * MatMul (a transposed operand) instead of running it. Attention's {@code k.transpose(-2, -1)} after its head split
 * is such a Transpose ({@code perm [0, 2, 3, 1]}); with the direction axis in front, element-by-element transposes of
 * it took a third of an attention block's forward-mode run. The values are unchanged: a permutation is split into two.
 */
final class TransposeSplitting {
    private TransposeSplitting() {
    }

    static List<Onnx.NodeProto> split(List<Onnx.NodeProto> nodes, Emitter names) {
        Map<String, List<Onnx.NodeProto>> consumers = new HashMap<>();
        for (Onnx.NodeProto n : nodes) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        List<Onnx.NodeProto> out = new ArrayList<>(nodes.size());
        for (Onnx.NodeProto n : nodes) {
            long[] perm = splittablePerm(n, consumers);
            if (perm == null) {
                out.add(n);
                continue;
            }
            int r = perm.length;
            long[] first = perm.clone();
            first[r - 2] = perm[r - 1];
            first[r - 1] = perm[r - 2]; // = r - 1: the innermost axis stays
            long[] swap = new long[r];
            for (int i = 0; i < r; i++) {
                swap[i] = i;
            }
            swap[r - 2] = r - 1;
            swap[r - 1] = r - 2;
            String middle = names.fresh("rows_transposed");
            if (!isIdentity(first)) {
                out.add(Onnx.NodeProto.newBuilder().setOpType("Transpose").setName(middle).addInput(n.getInput(0))
                    .addOutput(middle).addAttribute(Attr.ints("perm", first)).build());
            }
            out.add(n.toBuilder().clearInput().addInput(isIdentity(first) ? n.getInput(0) : middle).clearAttribute()
                .addAttribute(Attr.ints("perm", swap)).build());
        }
        return out;
    }

    /** The perm of a Transpose worth splitting: inner axis moved, input's last axis to second-to-last, only MatMul reads it. */
    private static long[] splittablePerm(Onnx.NodeProto n, Map<String, List<Onnx.NodeProto>> consumers) {
        if (!n.getOpType().equals("Transpose") || !n.getDomain().isEmpty() || n.getOutputCount() != 1) {
            return null;
        }
        long[] perm = null;
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("perm")) {
                perm = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        int r = perm == null ? 0 : perm.length;
        if (r < 3 || perm[r - 1] == r - 1 || perm[r - 2] != r - 1 || perm[r - 1] == r - 2 && isIdentity(head(perm))) {
            return null; // no perm, the innermost axis stays, or already a plain swap of the last two
        }
        List<Onnx.NodeProto> readers = consumers.getOrDefault(n.getOutput(0), List.of());
        if (readers.isEmpty() || readers.stream().anyMatch(c -> !c.getOpType().equals("MatMul") || !c.getDomain().isEmpty())) {
            return null;
        }
        return perm;
    }

    private static long[] head(long[] perm) {
        return java.util.Arrays.copyOf(perm, perm.length - 2);
    }

    private static boolean isIdentity(long[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }
}
