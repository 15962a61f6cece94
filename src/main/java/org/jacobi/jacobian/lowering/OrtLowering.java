package org.jacobi.jacobian.lowering;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.Emitter;
import org.jacobi.onnx.proto.Onnx;

/**
 * Rewrites a graph for ONNX Runtime just before a session opens it (the saved and re-differentiated graphs stay plain
 * ONNX): a Transpose whose result only MatMuls read and whose second-to-last output axis is the input's innermost
 * becomes a copy of contiguous rows (or nothing) plus ONNX Runtime's {@code FusedMatMul} with a transposed operand.
 *
 * <p>Why here and not as two Transposes: ONNX Runtime's transpose optimizer merges consecutive Transposes before its
 * MatMul fusion runs, so a split written as two standard nodes comes back as one element-by-element transpose.
 * Attention's {@code k.transpose(-2, -1)} after its head split ({@code perm [0, 2, 3, 1]}), with the direction axis
 * in front, took a quarter of an attention block's forward-mode run that way. The values are unchanged: the
 * permutation is split into a row copy and the MatMul's own transposed read.
 */
public final class OrtLowering {
    /** ONNX Runtime's contrib-operator domain, where FusedMatMul lives. */
    static final String MICROSOFT = "com.microsoft";

    private OrtLowering() {
    }

    /** {@code model} with its MatMul-feeding Transposes folded into FusedMatMul; the same model if none applies. */
    public static Onnx.ModelProto lower(Onnx.ModelProto model) {
        GraphIndex index = new GraphIndex(model.getGraph());
        if (index.hasSubgraphs()) {
            return model; // an If/Loop/Scan body may read any outer value by name
        }
        Emitter names = new Emitter(Differentiator.opset(model), index.names());
        Map<String, String> transposedSource = new HashMap<>(); // Transpose output -> its row-copied input
        List<Onnx.NodeProto> out = new ArrayList<>(model.getGraph().getNodeCount());
        for (Onnx.NodeProto n : model.getGraph().getNodeList()) {
            long[] perm = foldablePerm(n, index);
            if (perm == null) {
                out.add(n);
                continue;
            }
            int r = perm.length;
            long[] rows = perm.clone();
            rows[r - 2] = perm[r - 1];
            rows[r - 1] = r - 1; // the innermost axis stays: a copy of contiguous rows
            String source = n.getInput(0);
            if (!GraphIndex.isIdentity(rows)) {
                String middle = names.fresh(n.getOutput(0) + "/rows");
                out.add(n.toBuilder().clearOutput().addOutput(middle).setName(middle).clearAttribute()
                    .addAttribute(Attr.ints("perm", rows)).build());
                source = middle;
            }
            transposedSource.put(n.getOutput(0), source);
        }
        if (transposedSource.isEmpty()) {
            return model;
        }
        for (int i = 0; i < out.size(); i++) {
            Onnx.NodeProto n = out.get(i);
            if (!n.getOpType().equals("MatMul") || !n.getDomain().isEmpty()) {
                continue;
            }
            String a = n.getInput(0);
            String b = n.getInput(1);
            boolean transA = transposedSource.containsKey(a);
            boolean transB = transposedSource.containsKey(b);
            if (!transA && !transB) {
                continue;
            }
            out.set(i, Onnx.NodeProto.newBuilder().setOpType("FusedMatMul").setDomain(MICROSOFT).setName(n.getName())
                .addInput(transposedSource.getOrDefault(a, a)).addInput(transposedSource.getOrDefault(b, b))
                .addOutput(n.getOutput(0)).addAttribute(Attr.i("transA", transA ? 1 : 0))
                .addAttribute(Attr.i("transB", transB ? 1 : 0)).addAttribute(Attr.f("alpha", 1.0)).build());
        }
        return withMicrosoftOpset(model.toBuilder().setGraph(model.getGraph().toBuilder().clearNode().addAllNode(out)));
    }

    /** {@code model} importing ONNX Runtime's contrib domain, where FusedMatMul lives. */
    static Onnx.ModelProto withMicrosoftOpset(Onnx.ModelProto.Builder model) {
        if (model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(MICROSOFT))) {
            model.addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain(MICROSOFT).setVersion(1));
        }
        return model.build();
    }

    /**
     * The perm of a Transpose to fold: rank 2 or more, its output's second-to-last axis is the input's last, only
     * MatMuls read it, its input is not a constant (ONNX Runtime folds those itself) and its output not a graph output
     * (which must keep its producer).
     */
    private static long[] foldablePerm(Onnx.NodeProto n, GraphIndex index) {
        if (!n.getOpType().equals("Transpose") || !n.getDomain().isEmpty() || n.getOutputCount() != 1
            || index.isInitializer(n.getInput(0)) || index.isGraphOutput(n.getOutput(0))) {
            return null;
        }
        long[] perm = GraphIndex.ints(n, "perm");
        int r = perm == null ? 0 : perm.length;
        if (r < 2 || perm[r - 2] != r - 1) {
            return null;
        }
        List<Onnx.NodeProto> readers = index.consumers(n.getOutput(0));
        if (readers.isEmpty() || readers.stream().anyMatch(c -> !c.getOpType().equals("MatMul") || !c.getDomain().isEmpty())) {
            return null;
        }
        return perm;
    }
}
