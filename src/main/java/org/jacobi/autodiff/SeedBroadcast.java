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
 * Cast; and when the result has met a per-sample factor (else it would come out of batch size 1).
 */
public final class SeedBroadcast {
    private static final Set<String> ELEMENTWISE = Set.of("Mul", "Add", "Sub", "Div");
    private static final Set<String> UNARY = Set.of("Identity", "Neg", "Cast");

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
     * 1 as from the full seed. {@code seedRank}: the seed's rank {@code [K, B, ...]}; {@code shapes}: the primal values'.
     */
    public static boolean safe(Onnx.ModelProto model, String seed, String result, int seedRank, ValueShapes shapes) {
        Onnx.GraphProto graph = model.getGraph();
        Map<String, Onnx.NodeProto> producer = new HashMap<>();
        graph.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
        Map<String, Onnx.TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Set<String> directional = new HashSet<>();
        directional.add(seed);
        Set<String> collapsed = new HashSet<>(); // directional values of batch size 1
        collapsed.add(seed);
        for (Onnx.NodeProto n : graph.getNodeList()) {
            boolean readsDirections = n.getInputList().stream().anyMatch(directional::contains);
            if (!readsDirections) {
                continue;
            }
            directional.addAll(n.getOutputList());
            if (n.getInputList().stream().noneMatch(collapsed::contains)) {
                continue; // full values: broadcasting is not involved
            }
            if (!n.getDomain().isEmpty() || n.getOutputCount() != 1) {
                return false;
            }
            String op = n.getOpType();
            String out = n.getOutput(0);
            if (UNARY.contains(op)) {
                collapsed.add(out);
            } else if (op.equals("MatMul")) {
                if (!collapsed.contains(n.getInput(0)) || directional.contains(n.getInput(1))
                    || ForwardBlockLayout.rank(n.getInput(1), producer, initializers, shapes, 0) != 2) {
                    return false;
                }
                collapsed.add(out);
            } else if (ELEMENTWISE.contains(op) && n.getInputCount() == 2) {
                boolean full = false;
                for (String in : n.getInputList()) {
                    if (collapsed.contains(in)) {
                        continue;
                    }
                    if (directional.contains(in)) {
                        full = true; // a full tangent: [K, 1, ...] broadcasts against [K, B, ...]
                        continue;
                    }
                    int rank = ForwardBlockLayout.rank(in, producer, initializers, shapes, 0);
                    if (rank < 0 || rank > seedRank - 1) {
                        return false;
                    }
                    // a per-sample factor [B, ...]: of the tangents' rank less K, and computed from the inputs
                    full |= rank == seedRank - 1 && !constant(in, producer, initializers, 0);
                }
                if (!full) {
                    collapsed.add(out);
                }
            } else {
                return false;
            }
        }
        return directional.contains(result) && !collapsed.contains(result)
            && graph.getOutputList().stream().noneMatch(o -> collapsed.contains(o.getName()));
    }
}
