package org.jacobi.autodiff;

import java.util.HashMap;
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

    /**
     * True when {@code model} (the graph a session runs) computes the same {@code result} from a seed of batch size
     * 1 as from the full seed, and gains from it. {@code seedRank}: the seed's rank {@code [K, B, ...]}; {@code seedRow}:
     * its elements per direction and sample; {@code shapes}: the primal values'.
     */
    public static boolean safe(Onnx.ModelProto model, String seed, String result, int seedRank, long seedRow, ValueShapes shapes) {
        GraphIndex index = new GraphIndex(model.getGraph());
        Set<String> directional = index.dependents(seed);
        Map<String, Long> collapsed = new HashMap<>(); // directional values of batch size 1 -> their row length
        collapsed.put(seed, seedRow);
        for (Onnx.NodeProto n : model.getGraph().getNodeList()) {
            if (n.getInputList().stream().noneMatch(collapsed::containsKey)) {
                continue; // no value of batch size 1 read here: broadcasting is not involved
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
                long[] matrix = index.constantDims(n.getInput(1));
                if (!collapsed.containsKey(n.getInput(0)) || matrix == null || matrix.length != 2) {
                    return false; // only a MatMul by a constant matrix keeps rows of its own
                }
                collapsed.put(out, matrix[1]);
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
                    int rank = index.rank(in, shapes);
                    if (rank < 0 || rank > seedRank - 1) {
                        return false;
                    }
                    // a per-sample factor [B, ...]: of the tangents' rank less K, and computed from the inputs
                    full |= rank == seedRank - 1 && !index.constant(in);
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
            && model.getGraph().getOutputList().stream().noneMatch(o -> collapsed.containsKey(o.getName()));
    }
}
