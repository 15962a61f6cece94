package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Onnx.GraphProto graph = model.getGraph();
        Map<String, Onnx.NodeProto> producer = new HashMap<>();
        Map<String, Integer> readers = new HashMap<>();
        Set<String> directional = new HashSet<>();
        directional.add(seed);
        for (Onnx.NodeProto n : graph.getNodeList()) {
            n.getOutputList().forEach(o -> producer.put(o, n));
            n.getInputList().forEach(i -> readers.merge(i, 1, Integer::sum));
            if (n.getInputList().stream().anyMatch(directional::contains)) {
                directional.addAll(n.getOutputList());
            }
        }
        graph.getOutputList().forEach(o -> readers.merge(o.getName(), 1, Integer::sum));
        Map<String, Onnx.TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));

        Onnx.NodeProto transpose = producer.get(block);
        if (transpose == null || !transpose.getOpType().equals("Transpose")) {
            return model;
        }
        long[] perm = ints(transpose, "perm");
        int r = perm.length;
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
        Onnx.NodeProto n = producer.get(v);
        while (n != null && readers.getOrDefault(v, 0) == 1 && (n.getOpType().equals("Identity") || n.getOpType().equals("Mul"))) {
            if (n.getOpType().equals("Mul")) {
                boolean left = directional.contains(n.getInput(0));
                boolean right = directional.contains(n.getInput(1));
                if (left == right) {
                    return model;
                }
                String factor = left ? n.getInput(1) : n.getInput(0);
                int rank = FactorRanks.rank(factor, producer, initializers, shapes);
                if (rank < 0 || rank > r - 1) {
                    return model; // a factor with a direction axis of its own, or of unknown rank
                }
                factors.add(factor);
                v = left ? n.getInput(0) : n.getInput(1);
            } else {
                v = n.getInput(0);
            }
            replaced.add(n);
            n = producer.get(v);
        }
        if (n == null || !n.getOpType().equals("MatMul") || !n.getDomain().isEmpty() || readers.getOrDefault(v, 0) != 1
            || !directional.contains(n.getInput(0)) || directional.contains(n.getInput(1))) {
            return model;
        }
        // The weight: an initializer [in, out], or the Transpose of one [out, in].
        String weight = n.getInput(1);
        boolean transA = true;
        Onnx.TensorProto w = initializers.get(weight);
        Onnx.NodeProto weightTranspose = producer.get(weight);
        if (w == null && weightTranspose != null && weightTranspose.getOpType().equals("Transpose")
            && initializers.containsKey(weightTranspose.getInput(0))) {
            long[] wPerm = ints(weightTranspose, "perm");
            w = initializers.get(weightTranspose.getInput(0));
            if (wPerm.length != 2 || wPerm[0] != 1 || w.getDimsCount() != 2) {
                return model;
            }
            weight = weightTranspose.getInput(0);
            transA = false;
        }
        if (w == null || w.getDimsCount() != 2) {
            return model;
        }
        long in = transA ? w.getDims(0) : w.getDims(1);
        long out = transA ? w.getDims(1) : w.getDims(0);
        if (in >= out) {
            return model; // the moved tangent would be the larger tensor
        }
        replaced.add(n);

        Set<String> taken = new HashSet<>(producer.keySet());
        graph.getInputList().forEach(i -> taken.add(i.getName()));
        taken.addAll(initializers.keySet());
        Emitter e = new Emitter(opset(model), taken);
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
            y = e.mul(y, FactorRanks.rank(f, producer, initializers, shapes) == 0 ? f : e.unsqueeze(f, -1));
        }
        e.add(Onnx.NodeProto.newBuilder().setOpType("Identity").setName(block).addInput(y).addOutput(block).build());

        Onnx.GraphProto.Builder g = graph.toBuilder().clearNode();
        for (Onnx.NodeProto node : graph.getNodeList()) {
            if (!replaced.contains(node)) {
                g.addNode(node);
            }
        }
        g.addAllNode(e.nodes()).addAllInitializer(e.initializers());
        Onnx.ModelProto.Builder b = model.toBuilder().setGraph(g);
        if (model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(OrtLowering.MICROSOFT))) {
            b.addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain(OrtLowering.MICROSOFT).setVersion(1));
        }
        return b.build();
    }

    private static long[] ints(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return new long[0];
    }

    private static int opset(Onnx.ModelProto model) {
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty()) {
                return (int) o.getVersion();
            }
        }
        return 18;
    }
}
