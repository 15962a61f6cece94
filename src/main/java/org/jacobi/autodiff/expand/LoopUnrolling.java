package org.jacobi.autodiff.expand;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.onnx.proto.Onnx;

/**
 * Unrolls Loop and Scan nodes whose trip count is known when the graph is built, in the main graph and in If branches
 * at any depth: the body's nodes are copied once per iteration under names of their own
 * ({@code expand/Loop_3/iteration2/...}), the carried values wired from one copy to the next, and the per-iteration
 * outputs stacked with Unsqueeze and Concat. The ordinary rules then differentiate the unrolled graph in every mode.
 * A Loop's trip count ({@link TripCounts}) must be a constant (an initializer of its graph or an enclosing one), a
 * small integer input or a value the probe learns that follows neither a larger input's values nor the batch size
 * (the probe runs both branches of every If, so values computed inside a branch are learnt too), and its condition
 * must stay true (a {@code for} loop); a Scan's is the scanned axis's length. Anything else is left as it is, and the
 * Loop/Scan rule refuses it with a message if the output depends on the input through it. Constants the unrolling
 * makes go to the main graph, which every branch reads.
 */
public final class LoopUnrolling implements GraphPass {
    /**
     * Integer model inputs of at most this many elements (a sample rate, a number of steps) may set a trip count: the
     * prepared graphs are cached per their values as well as per the inputs' shapes (OnnxGraphPreparer's signature).
     * A trip count that follows the values of any other input (a float input, a batch of token ids) would be baked in
     * from the probe's samples and be wrong for other samples, so such a loop is left to the refusal.
     */
    public static final int KEYED_INPUT_ELEMENTS = 16;

    @Override
    public boolean appliesTo(Onnx.ModelProto model) {
        return anyLoop(model.getGraph());
    }

    /** A Loop or Scan in the graph or, at any depth, in an If's branches (those of a body come out once it is unrolled). */
    private static boolean anyLoop(Onnx.GraphProto graph) {
        return graph.getNodeList().stream().anyMatch(n -> loop(n) || scan(n) || ControlFlow.isIf(n)
            && ControlFlow.subgraphs(n).stream().anyMatch(LoopUnrolling::anyLoop));
    }

    private static boolean standard(Onnx.NodeProto n) {
        return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    }

    private static boolean loop(Onnx.NodeProto n) {
        return standard(n) && n.getOpType().equals("Loop");
    }

    private static boolean scan(Onnx.NodeProto n) {
        return standard(n) && n.getOpType().equals("Scan");
    }

    @Override
    public Onnx.ModelProto apply(Onnx.ModelProto model, ValueShapes shapes) {
        Onnx.GraphProto graph = model.getGraph();
        Emitter e = new Emitter(Differentiator.opset(model), ControlFlow.names(graph));
        if (!unrollAll(graph.getNodeList(), List.of(graph), e, shapes)) {
            return model;
        }
        Onnx.GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(e.nodes()).addAllInitializer(e.initializers());
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * Emits {@code nodes} (of the innermost of {@code scopes}, a graph and the branches it lies in) with every loop of a
     * known trip count unrolled, those in If branches too; true when one was.
     */
    private static boolean unrollAll(List<Onnx.NodeProto> nodes, List<Onnx.GraphProto> scopes, Emitter e, ValueShapes shapes) {
        boolean changed = false;
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto node = nodes.get(i);
            if (ControlFlow.isIf(node) && ControlFlow.subgraphs(node).stream().anyMatch(LoopUnrolling::anyLoop)) {
                boolean[] inside = {false};
                e.add(ControlFlow.withSubgraphs(node.toBuilder(), branch -> {
                    Emitter sub = e.subgraph();
                    List<Onnx.GraphProto> enclosing = new ArrayList<>(scopes);
                    enclosing.add(branch);
                    inside[0] |= unrollAll(branch.getNodeList(), enclosing, sub, shapes);
                    return branch.toBuilder().clearNode().addAllNode(sub.nodes()).build();
                }));
                changed |= inside[0];
                continue;
            }
            String label = node.getName().isEmpty() ? node.getOpType() + "_" + i : node.getName();
            long trips = loop(node) ? TripCounts.loop(node, scopes, shapes) : scan(node) ? TripCounts.scan(node, scopes, shapes) : 0;
            if (trips <= 0) {
                e.copy(node);
                continue;
            }
            new Unrolled(node, label, e, trips).emit();
            changed = true;
        }
        return changed;
    }

    static long attrInt(Onnx.NodeProto node, String name, long fallback) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(Onnx.AttributeProto::getI)
            .findFirst().orElse(fallback);
    }

    static long[] attrInts(Onnx.NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
            .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(null);
    }

    private static long at(long[] values, int i, long fallback) {
        return values == null ? fallback : values[i];
    }

    /** One Loop or Scan written out iteration by iteration. */
    private static final class Unrolled {
        private final Onnx.NodeProto node;
        private final String label;
        private final Emitter e;
        private final long trips;
        private final Onnx.GraphProto body;
        private final boolean isLoop;
        /** The body's initializers, copied into the main graph once for every iteration. */
        private final Map<String, String> constants = new HashMap<>();

        Unrolled(Onnx.NodeProto node, String label, Emitter e, long trips) {
            this.node = node;
            this.label = label;
            this.e = e;
            this.trips = trips;
            this.body = ControlFlow.subgraphs(node).get(0);
            this.isLoop = loop(node);
        }

        void emit() {
            e.prefix("expand/" + label);
            for (Onnx.TensorProto t : body.getInitializerList()) {
                String name = e.fresh(t.getName());
                e.initializers().add(t.toBuilder().setName(name).build());
                constants.put(t.getName(), name);
            }
            int scanned = isLoop ? 0 : (int) attrInt(node, "num_scan_inputs", 0);
            int carried = isLoop ? node.getInputCount() - 2 : node.getInputCount() - scanned;
            int firstCarriedInput = isLoop ? 2 : 0;
            int firstCarriedOutput = isLoop ? 1 : 0;
            List<String> state = new ArrayList<>(node.getInputList().subList(firstCarriedInput, firstCarriedInput + carried));
            int stacked = body.getOutputCount() - firstCarriedOutput - carried;
            List<List<String>> perIteration = new ArrayList<>();
            for (int k = 0; k < stacked; k++) {
                perIteration.add(new ArrayList<>());
            }
            String trueValue = isLoop ? trueConstant() : null;
            for (long t = 0; t < trips; t++) {
                e.prefix("expand/" + label + "/iteration" + t);
                Map<String, String> names = new HashMap<>(constants);
                for (String d : ControlFlow.definedInside(body)) {
                    names.putIfAbsent(d, e.fresh(d));
                }
                for (int k = 0; k < carried; k++) {
                    names.put(body.getInput(firstCarriedInput + k).getName(), state.get(k));
                }
                if (isLoop) {
                    names.put(body.getInput(0).getName(), e.intScalar(t));
                    names.put(body.getInput(1).getName(), trueValue);
                } else {
                    long[] axes = attrInts(node, "scan_input_axes");
                    long[] directions = attrInts(node, "scan_input_directions");
                    for (int j = 0; j < scanned; j++) {
                        long index = at(directions, j, 0) == 1 ? trips - 1 - t : t;
                        long axis = at(axes, j, 0);
                        String slice = e.op("Slice", List.of(node.getInput(carried + j), e.ints(index), e.ints(index + 1), e.ints(axis)));
                        names.put(body.getInput(carried + j).getName(), e.squeeze(slice, axis));
                    }
                }
                for (Onnx.NodeProto n : body.getNodeList()) {
                    // node names stay unique too (ONNX Runtime requires it): the copy's name under the iteration
                    e.add(ControlFlow.rename(n, names).toBuilder().setName(e.fresh(n.getName().isEmpty() ? n.getOpType() : n.getName()))
                        .build());
                }
                for (int k = 0; k < carried; k++) {
                    String out = body.getOutput(firstCarriedOutput + k).getName();
                    state.set(k, names.getOrDefault(out, out));
                }
                for (int k = 0; k < stacked; k++) {
                    String out = body.getOutput(firstCarriedOutput + carried + k).getName();
                    perIteration.get(k).add(names.getOrDefault(out, out));
                }
            }
            e.prefix("expand/" + label);
            for (int k = 0; k < carried; k++) {
                output(k, "Identity", List.of(state.get(k)));
            }
            long[] axes = isLoop ? null : attrInts(node, "scan_output_axes");
            long[] directions = isLoop ? null : attrInts(node, "scan_output_directions");
            for (int k = 0; k < stacked; k++) {
                long axis = at(axes, k, 0);
                List<String> parts = new ArrayList<>();
                for (String v : perIteration.get(k)) {
                    parts.add(e.unsqueeze(v, axis));
                }
                if (at(directions, k, 0) == 1) {
                    Collections.reverse(parts);
                }
                output(carried + k, "Concat", parts, Attr.i("axis", axis));
            }
        }

        /** Writes the node's output {@code i} (when it is used) as one node of type {@code op}. */
        private void output(int i, String op, List<String> inputs, Onnx.AttributeProto... attrs) {
            if (i >= node.getOutputCount() || node.getOutput(i).isEmpty()) {
                return;
            }
            Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setName(e.fresh(op.toLowerCase(Locale.ROOT)))
                .addAllInput(inputs).addOutput(node.getOutput(i));
            for (Onnx.AttributeProto a : attrs) {
                b.addAttribute(a);
            }
            e.add(b.build());
        }

        private String trueConstant() {
            String name = e.fresh("true");
            e.initializers().add(Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.BOOL_VALUE)
                .addInt32Data(1).build());
            return name;
        }
    }
}
