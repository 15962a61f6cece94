package org.jacobi.jacobian.lowering;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.onnx.proto.Onnx;

/**
 * For ONNX Runtime, the forward-mode result of a graph that ends in a dense layer widening to many outputs
 * ({@code tangent x W}, then direction-free factors such as a sigmoid's slope) is computed in the Jacobian's own
 * layout {@code [B, ..., out, K]} instead of as {@code [K, B, ..., out]} followed by a Transpose to that layout.
 *
 * <p>Why: with the direction axis innermost in the result, that Transpose moves one element at a time; on a decoder
 * (16 -> 128 -> 784, 16 directions) it took 40 % of the run, as long as the layer's matrix product. Here the narrow
 * tangent is transposed instead ({@code [K, B, ..., in] -> [B, ..., K, in]}, rows kept) and one FusedMatMul reads both
 * operands transposed: {@code W^T x tangent^T = [out, K]} per sample. The factors get a trailing unit axis.
 * Applied only when the layer's input is narrower than its output, where the moved tangent is the smaller tensor.
 */
public final class ForwardBlockLayout {

    private ForwardBlockLayout() {
    }

    /**
     * {@code model} with the Transpose named {@code block} (perm {@code [1, ..., r-1, 0]}) replaced as above, or
     * {@code model} itself when its graph does not end that way. {@code shapes}: the primal values' shapes.
     */
    public static Onnx.ModelProto lower(Onnx.ModelProto model, String seed, String block, ValueShapes shapes) {
        GraphIndex index = new GraphIndex(model.getGraph());
        if (index.hasSubgraphs()) {
            return model; // an If branch may read any value by name
        }
        Set<String> directional = index.dependents(seed);
        Onnx.NodeProto transpose = index.producer(block);
        if (transpose == null || !transpose.getOpType().equals("Transpose")) {
            return model;
        }
        long[] perm = GraphIndex.ints(transpose, "perm");
        int r = perm == null ? 0 : perm.length;
        for (int i = 0; i < r; i++) {
            if (perm[i] != (i + 1) % r) {
                return model; // not [1, ..., r-1, 0]: a reverse-mode block
            }
        }
        // Walk back from the result through single-reader Identity and Mul-by-a-direction-free-factor nodes.
        Set<Onnx.NodeProto> replaced = new HashSet<>();
        replaced.add(transpose);
        List<String> factors = new ArrayList<>(); // outermost first
        String v = transpose.getInput(0);
        Onnx.NodeProto n = index.producer(v);
        while (n != null && index.readers(v) == 1 && (n.getOpType().equals("Identity") || n.getOpType().equals("Mul"))) {
            if (n.getOpType().equals("Mul")) {
                boolean left = directional.contains(n.getInput(0));
                boolean right = directional.contains(n.getInput(1));
                if (left == right) {
                    return model;
                }
                String factor = left ? n.getInput(1) : n.getInput(0);
                int rank = index.rank(factor, shapes);
                if (rank < 0 || rank > r - 1) {
                    return model; // a factor with a direction axis of its own, or of unknown rank
                }
                factors.add(factor);
                v = left ? n.getInput(0) : n.getInput(1);
            } else {
                v = n.getInput(0);
            }
            replaced.add(n);
            n = index.producer(v);
        }
        if (n == null || !n.getOpType().equals("MatMul") || !n.getDomain().isEmpty() || index.readers(v) != 1
            || !directional.contains(n.getInput(0)) || directional.contains(n.getInput(1))) {
            return model;
        }
        // The weight [in, out]: an initializer (read transposed), or a Transpose of one [out, in] (read as it is).
        long[] dims = index.constantDims(n.getInput(1));
        if (dims == null || dims.length != 2) {
            return model;
        }
        String weight = n.getInput(1);
        boolean transA = index.isInitializer(weight);
        if (!transA) {
            Onnx.NodeProto weightTranspose = index.producer(weight);
            long[] wPerm = GraphIndex.ints(weightTranspose, "perm");
            if (wPerm != null && wPerm[0] != 1) {
                return model; // an identity Transpose: not the swap this form reads
            }
            weight = weightTranspose.getInput(0);
        }
        if (dims[0] >= dims[1]) {
            return model; // the moved tangent would be the larger tensor
        }
        replaced.add(n);

        Emitter e = new Emitter(Differentiator.opset(model), index.names());
        e.prefix("jacobi/block_layout");
        long[] rows = new long[r]; // [K, B..., in] -> [B..., K, in]
        for (int i = 0; i < r - 2; i++) {
            rows[i] = i + 1;
        }
        rows[r - 2] = 0;
        rows[r - 1] = r - 1;
        String tangent = r > 2 ? e.transpose(n.getInput(0), rows) : n.getInput(0);
        String y = e.fresh("matmul");
        e.add(Onnx.NodeProto.newBuilder().setOpType("FusedMatMul").setDomain(OrtLowering.MICROSOFT).setName(y)
            .addInput(weight).addInput(tangent).addOutput(y).addAttribute(Attr.i("transA", transA ? 1 : 0))
            .addAttribute(Attr.i("transB", 1)).addAttribute(Attr.f("alpha", 1.0)).build());
        for (int i = factors.size() - 1; i >= 0; i--) {
            String f = factors.get(i);
            y = e.mul(y, index.rank(f, shapes) == 0 ? f : e.unsqueeze(f, -1));
        }
        e.add(Onnx.NodeProto.newBuilder().setOpType("Identity").setName(block).addInput(y).addOutput(block).build());

        Onnx.GraphProto.Builder g = model.getGraph().toBuilder().clearNode();
        for (Onnx.NodeProto node : model.getGraph().getNodeList()) {
            if (!replaced.contains(node)) {
                g.addNode(node);
            }
        }
        g.addAllNode(e.nodes()).addAllInitializer(e.initializers());
        return OrtLowering.withMicrosoftOpset(model.toBuilder().setGraph(g));
    }
}
