package org.jacobi.autodiff;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jacobi.onnx.proto.Onnx;

/**
 * Whether a batched differentiated graph may be fed its unit seed as {@code [K, 1, ...]} instead of
 * {@code [K, B, ...]}: a unit seed is the same for every sample, so the nodes before the first per-sample factor
 * (a classifier's last layer in reverse mode, a network's first layer in forward mode) compute one row per direction
 * instead of B identical ones, and broadcasting spreads it over the samples at that factor. On a 256 -> 1024 -> 1024
 * -> 64 MLP the seed's product with the last weight was 4 % of the reverse pass.
 *
 * <p>It may when every node that reads a value still of batch size 1 is one whose result broadcasting makes right:
 * a MatMul by a direction-free matrix, an elementwise product, sum, difference or quotient, an Identity, Neg or
 * Cast; and when the result has met a per-sample factor (else it would come out of batch size 1). It is worth it
 * only where the rows that meet the factor are long: ONNX Runtime broadcasts {@code [K, 1, n]} against
 * {@code [B, n]} one row of n at a time, which for n = 32 (mlp_tanh) cost more than the product it saved.
 */
public final class SeedBroadcast {
    private static final Set<String> ELEMENTWISE = Set.of("Mul", "Add", "Sub", "Div");
    private static final Set<String> UNARY = Set.of("Identity", "Neg", "Cast");
    /** Shortest row (elements per direction and sample) broadcast against a per-sample factor. */
    static final long MIN_ROW = 128;

    private SeedBroadcast() {
    }

    /**
     * {@code model} with the seed's batch axis named apart from the inputs' ({@code seed_batch}): ONNX Runtime takes
     * equal names for equal sizes when it plans its buffers, and a seed of batch size 1 is not the inputs' batch.
     */
    public static Onnx.ModelProto withOwnSeedBatch(Onnx.ModelProto model, String seed) {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInputCount(); i++) {
            Onnx.ValueInfoProto.Builder in = g.getInputBuilder(i);
            if (in.getName().equals(seed) && in.getType().getTensorType().getShape().getDimCount() > 1) {
                in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(1).clear().setDimParam("seed_batch");
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    /** The last dimension of a constant matrix (an initializer, or a Transpose of one); -1 when unknown. */
    private static long lastDim(String v, Map<String, Onnx.NodeProto> producer, Map<String, Onnx.TensorProto> initializers) {
        Onnx.TensorProto t = initializers.get(v);
        if (t != null) {
            return t.getDimsCount() == 0 ? -1 : t.getDims(t.getDimsCount() - 1);
        }
        Onnx.NodeProto n = producer.get(v);
        if (n != null && n.getOpType().equals("Transpose") && n.getDomain().isEmpty() && initializers.containsKey(n.getInput(0))) {
            Onnx.TensorProto w = initializers.get(n.getInput(0));
            long[] perm = n.getAttributeList().stream().filter(a -> a.getName().equals("perm")).findFirst()
                .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(null);
            int last = w.getDimsCount() - 1;
            int axis = perm == null ? 0 : (int) perm[perm.length - 1]; // no perm: the dims reversed
            return last < 0 ? -1 : w.getDims(perm == null ? 0 : axis);
        }
        return -1;
    }

    /** True when {@code v} is computed from initializers alone (no graph input): no batch axis of its own. */
    private static boolean constant(String v, Map<String, Onnx.NodeProto> producer, Map<String, Onnx.TensorProto> initializers,
                                    int depth) {
        if (initializers.containsKey(v)) {
            return true;
        }
        Onnx.NodeProto n = producer.get(v);
        if (n == null || depth > 64) {
            return false; // a graph input
        }
        for (String in : n.getInputList()) {
            if (!in.isEmpty() && !constant(in, producer, initializers, depth + 1)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code model} (the graph a session runs) computes the same {@code result} from a seed of batch size
     * 1 as from the full seed, and gains from it. {@code seedRank}: the seed's rank {@code [K, B, ...]}; {@code seedRow}:
     * its elements per direction and sample; {@code shapes}: the primal values'.
     */
    public static boolean safe(Onnx.ModelProto model, String seed, String result, int seedRank, long seedRow, ValueShapes shapes) {
        Onnx.GraphProto graph = model.getGraph();
        Map<String, Onnx.NodeProto> producer = new HashMap<>();
        graph.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
        Map<String, Onnx.TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Set<String> directional = new HashSet<>();
        directional.add(seed);
        Map<String, Long> collapsed = new HashMap<>(); // directional values of batch size 1 -> their row length
        collapsed.put(seed, seedRow);
        for (Onnx.NodeProto n : graph.getNodeList()) {
            boolean readsDirections = n.getInputList().stream().anyMatch(directional::contains);
            if (!readsDirections) {
                continue;
            }
            directional.addAll(n.getOutputList());
            if (n.getInputList().stream().noneMatch(collapsed::containsKey)) {
                continue; // full values: broadcasting is not involved
            }
            if (!n.getDomain().isEmpty() || n.getOutputCount() != 1) {
                return false;
            }
            String op = n.getOpType();
            String out = n.getOutput(0);
            long row = n.getInputList().stream().filter(collapsed::containsKey).mapToLong(collapsed::get).max().orElse(0);
            if (UNARY.contains(op)) {
                collapsed.put(out, row);
            } else if (op.equals("MatMul")) {
                long width = lastDim(n.getInput(1), producer, initializers);
                if (!collapsed.containsKey(n.getInput(0)) || directional.contains(n.getInput(1))
                    || FactorRanks.rank(n.getInput(1), producer, initializers, shapes) != 2 || width < 1) {
                    return false;
                }
                collapsed.put(out, width);
            } else if (ELEMENTWISE.contains(op) && n.getInputCount() == 2) {
                boolean full = false;
                for (String in : n.getInputList()) {
                    if (collapsed.containsKey(in)) {
                        continue;
                    }
                    if (directional.contains(in)) {
                        full = true; // a full tangent: [K, 1, ...] broadcasts against [K, B, ...]
                        continue;
                    }
                    int rank = FactorRanks.rank(in, producer, initializers, shapes);
                    if (rank < 0 || rank > seedRank - 1) {
                        return false;
                    }
                    // a per-sample factor [B, ...]: of the tangents' rank less K, and computed from the inputs
                    full |= rank == seedRank - 1 && !constant(in, producer, initializers, 0);
                }
                if (!full) {
                    collapsed.put(out, row);
                } else if (row < MIN_ROW) {
                    return false; // short rows broadcast slowly
                }
            } else {
                return false;
            }
        }
        return directional.contains(result) && !collapsed.containsKey(result)
            && graph.getOutputList().stream().noneMatch(o -> collapsed.containsKey(o.getName()));
    }
}
