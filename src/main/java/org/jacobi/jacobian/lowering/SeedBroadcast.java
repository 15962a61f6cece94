package org.jacobi.jacobian.lowering;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.TensorProtos;
import org.jacobi.autodiff.ValueShapes;
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
    private static Onnx.ModelProto withOwnSeedBatch(Onnx.ModelProto model, String seed) {
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
     * {@code model} rewritten for a seed of batch size 1 ({@link #withOwnSeedBatch}, and the reshapes to a primal's
     * shape made to take the seed's batch size), or null when that would change {@code result} or gain nothing. The
     * graph still takes full seeds too (a vector-Jacobian product's cotangent, the Spark job's runs).
     * {@code seedRank}: the seed's rank {@code [K, B, ...]}; {@code seedRow}: its elements per direction and sample;
     * {@code shapes}: the primal values'; {@code probeBatch}: the batch size of {@code shapes}, which tells the primals that hold the samples on axis 0.
     */
    public static Onnx.ModelProto broadcast(Onnx.ModelProto model, String seed, String result, int seedRank, long seedRow,
                                            ValueShapes shapes, long probeBatch) {
        GraphIndex index = new GraphIndex(model.getGraph());
        if (index.hasSubgraphs()) {
            return null; // an If branch may read any directional value by name, at the inputs' batch size
        }
        Set<String> directional = index.dependents(seed);
        Map<String, Collapsed> collapsed = new HashMap<>(); // directional values of batch size 1
        collapsed.put(seed, new Collapsed(seedRow, seedRank, false));
        Map<String, String> reshapeToPrimal = new HashMap<>(); // Reshape node output -> the primal whose shape it takes
        for (Onnx.NodeProto n : model.getGraph().getNodeList()) {
            if (n.getInputList().stream().noneMatch(collapsed::containsKey)) {
                continue; // no value of batch size 1 read here: broadcasting is not involved
            }
            if (!n.getDomain().isEmpty() || n.getOutputCount() != 1) {
                return null;
            }
            Collapsed in = collapsed.get(n.getInput(0));
            String op = n.getOpType();
            String out = n.getOutput(0);
            if (op.equals("Shape") && in != null && n.getAttributeCount() == 0 && readsOnlySampleDims(index, out, in.folded() ? 1 : 2)) {
                continue; // the per-sample dims of a fold's target: the same at any batch size
            } else if (UNARY.contains(op) && in != null) {
                collapsed.put(out, in);
            } else if (op.equals("MatMul")) {
                long[] matrix = index.constantDims(n.getInput(1));
                if (in == null || matrix == null || matrix.length != 2) {
                    return null; // only a MatMul by a constant matrix keeps rows of its own
                }
                if (in.row() % matrix[0] != 0) {
                    return null;
                }
                collapsed.put(out, new Collapsed(in.row() / matrix[0] * matrix[1], in.rank(), in.folded()));
            } else if (op.equals("Reshape") && in != null && n.getInputCount() == 2) {
                Collapsed reshaped = reshaped(index, n, in, shapes, probeBatch, reshapeToPrimal);
                if (reshaped == null) {
                    return null;
                }
                collapsed.put(out, reshaped);
            } else if (op.equals("Resize") && in != null && in.folded()) {
                long growth = integralSpatialScale(index, n); // resampling of the spatial axes of [K, C, ...]
                if (growth <= 0) {
                    return null;
                }
                collapsed.put(out, new Collapsed(in.row() * growth, in.rank(), true));
            } else if (ELEMENTWISE.contains(op) && n.getInputCount() == 2) {
                boolean full = false;
                boolean folded = false;
                long row = 0;
                int tangentRank = 0;
                for (String v : n.getInputList()) {
                    Collapsed c = collapsed.get(v);
                    if (c != null) {
                        folded |= c.folded();
                        row = Math.max(row, c.row());
                        tangentRank = Math.max(tangentRank, c.rank());
                    }
                }
                for (String v : n.getInputList()) {
                    Collapsed c = collapsed.get(v);
                    if (c != null) {
                        if (c.folded() != folded) {
                            return null; // [K, 1, ...] against [K, ...]
                        }
                        continue;
                    }
                    if (directional.contains(v)) {
                        if (folded) {
                            return null; // [K, ...] against [K*B, ...]
                        }
                        full = true; // a full tangent: [K, 1, ...] broadcasts against [K, B, ...]
                        continue;
                    }
                    int rank = index.rank(v, shapes);
                    if (rank < 0 || rank > tangentRank - 1) {
                        return null;
                    }
                    boolean perSample = rank == tangentRank - 1 && !index.constant(v);
                    if (folded && rank == tangentRank - 1) {
                        return null; // a factor with a batch axis against [K, ...] would pair K with B
                    }
                    // a per-sample factor [B, ...]: of the tangents' rank less K, and computed from the inputs
                    full |= perSample;
                }
                if (!full) {
                    collapsed.put(out, new Collapsed(row, tangentRank, folded));
                } else if (row < MIN_ROW) {
                    return null; // short rows broadcast slowly
                }
            } else {
                return null;
            }
        }
        if (!directional.contains(result) || collapsed.containsKey(result)
            || model.getGraph().getOutputList().stream().anyMatch(o -> collapsed.containsKey(o.getName()))) {
            return null;
        }
        return withOwnSeedBatch(keepSeedBatch(model, index, seed, reshapeToPrimal), seed);
    }

    /**
     * A value of batch size 1: {@code [K, 1, ...]}, or {@code folded} into {@code [K, ...]} (where the full tangent is
     * {@code [K*B, ...]}); {@code row}: its elements per direction; {@code rank}: its rank.
     */
    private record Collapsed(long row, int rank, boolean folded) {
    }

    /**
     * Reshapes the rules emit around per-sample kernels: to a primal's shape {@code [-1, *shape(p)]} (taking the
     * seed's batch size once rewritten) when p holds the samples on axis 0 and one sample
     * of it has the row's length, and the fold {@code [-1, *shape(t)[2:]]} of {@code [K, 1, ...]} into {@code [K, ...]}.
     * Null for any other.
     */
    private static Collapsed reshaped(GraphIndex index, Onnx.NodeProto n, Collapsed in, ValueShapes shapes, long probeBatch,
                                      Map<String, String> reshapeToPrimal) {
        Onnx.NodeProto target = index.producer(n.getInput(1));
        if (target == null || !target.getOpType().equals("Concat") || target.getInputCount() != 2
            || !isInts(index, target.getInput(0), -1)) {
            return null;
        }
        Onnx.NodeProto rest = index.producer(target.getInput(1));
        if (rest != null && rest.getOpType().equals("Shape") && rest.getAttributeCount() == 0
            && shapes.known(rest.getInput(0))) {
            long[] primal = shapes.shape(rest.getInput(0));
            long row = 1;
            for (int i = 1; i < primal.length; i++) {
                row *= primal[i];
            }
            if (probeBatch < 2 || primal.length < 2 || primal[0] != probeBatch || row != in.row()) {
                return null; // with one probe sample, axis 0 of a primal does not tell the samples
            }
            reshapeToPrimal.put(n.getOutput(0), rest.getInput(0));
            return new Collapsed(row, 1 + primal.length, false);
        }
        if (!in.folded() && rest != null && rest.getOpType().equals("Slice") && rest.getInputCount() == 4
            && isInts(index, rest.getInput(1), 2) && isInts(index, rest.getInput(2), Long.MAX_VALUE)
            && isInts(index, rest.getInput(3), 0)) {
            Onnx.NodeProto shape = index.producer(rest.getInput(0));
            if (shape != null && shape.getOpType().equals("Shape") && shape.getAttributeCount() == 0
                && shape.getInput(0).equals(n.getInput(0))) {
                return new Collapsed(in.row(), in.rank() - 1, true);
            }
        }
        return null;
    }

    /** Whether every reader of the shape {@code shape} slices it from axis {@code first} on (no batch axis). */
    private static boolean readsOnlySampleDims(GraphIndex index, String shape, int first) {
        if (index.isGraphOutput(shape)) {
            return false;
        }
        for (Onnx.NodeProto r : index.consumers(shape)) {
            Onnx.TensorProto start = r.getInputCount() == 4 ? index.initializer(r.getInput(1)) : null;
            if (!r.getOpType().equals("Slice") || !r.getInput(0).equals(shape) || start == null || !isInts(index, r.getInput(3), 0)
                || TensorProtos.toLongs(start).length != 1 || TensorProtos.toLongs(start)[0] < first) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code v} is the int64 initializer holding exactly {@code values}. */
    private static boolean isInts(GraphIndex index, String v, long... values) {
        Onnx.TensorProto t = index.initializer(v);
        return t != null && t.getDataType() == Onnx.TensorProto.DataType.INT64_VALUE
            && Arrays.equals(TensorProtos.toLongs(t), values);
    }

    /**
     * How many times more elements a Resize by constant whole-number scales makes when it leaves the leading (direction
     * and batch) and channel axes alone, without sizes; 0 for any other.
     */
    private static long integralSpatialScale(GraphIndex index, Onnx.NodeProto n) {
        Onnx.TensorProto scales = n.getInputCount() == 3 ? index.initializer(n.getInput(2)) : null;
        if (scales == null) {
            return 0;
        }
        double[] s = TensorProtos.toDoubles(scales);
        if (s.length < 3 || s[0] != 1 || s[1] != 1) {
            return 0;
        }
        long growth = 1;
        for (int i = 2; i < s.length; i++) {
            if (s[i] < 1 || s[i] != Math.rint(s[i])) {
                return 0;
            }
            growth *= (long) s[i];
        }
        return growth;
    }

    /**
     * The reshapes to a primal's shape that read a value of batch size 1 given the target
     * {@code [-1, seed batch, *shape(p)[1:]]} in place of {@code [-1, *shape(p)]}: the same for a full seed, and
     * batch size 1 kept for a seed of batch size 1.
     */
    private static Onnx.ModelProto keepSeedBatch(Onnx.ModelProto model, GraphIndex index, String seed,
                                                 Map<String, String> reshapeToPrimal) {
        if (reshapeToPrimal.isEmpty()) {
            return model;
        }
        Emitter e = new Emitter(Differentiator.opset(model), index.names());
        e.prefix("jacobi/seed_batch");
        String seedBatch = e.slice1d(e.shape(seed), 1, 2);
        for (Onnx.NodeProto n : model.getGraph().getNodeList()) {
            String primal = n.getOutputCount() == 1 ? reshapeToPrimal.get(n.getOutput(0)) : null;
            if (primal == null) {
                e.copy(n);
                continue;
            }
            String shape = index.producer(index.producer(n.getInput(1)).getInput(1)).getOutput(0);
            String target = e.op("Concat", List.of(e.ints(-1), seedBatch, e.slice1d(shape, 1, Long.MAX_VALUE)), Attr.i("axis", 0));
            e.add(n.toBuilder().setInput(1, target).build());
        }
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder().clearNode().addAllNode(e.nodes()).addAllInitializer(e.initializers());
        return model.toBuilder().setGraph(g).build();
    }
}
