package org.jacobi.jacobian.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.Tensor;
import org.jacobi.model.onnx.NodeFlops;
import org.jacobi.onnx.proto.Onnx;

/**
 * Which order of differentiation is cheapest for a graph, from a cost model of its nodes: forward mode costs
 * {@code n_in} directions times the graph, reverse mode {@code n_out} times, and mixed mode splits the graph at a
 * <em>bottleneck</em> value v that every path from the input to the output passes through: reverse mode over the
 * prefix (x to v) and forward mode over the suffix (v to y), each with {@code |v|} directions, then per sample the
 * product {@code J = dy/dv . dv/dx} ({@code 2 n_out |v| n_in} FLOPs). That wins for autoencoders and other
 * networks narrow in the middle and wide at both ends.
 * <p>
 * The other split, forward over a prefix and reverse over the rest, is never cheaper in this model: it costs
 * {@code n_in P + n_out S} against {@code min(n_in, n_out) (P + S)} for the pure modes.
 */
final class ModeCost {
    /** Mixed mode is chosen only when the model puts it below this share of the cheaper pure mode. */
    static final double MIXED_MARGIN = 0.5;

    /** The cheapest plan: the mode, and the best bottleneck value (null if none) with its per-sample width. */
    record Plan(Kind kind, String cut, long cutWidth, double forwardCost, double reverseCost, double mixedCost) {
    }

    enum Kind { FORWARD, REVERSE, MIXED }

    private ModeCost() {
    }

    /**
     * @param graph the graph after the pre-passes, topologically sorted
     * @param shapes its value shapes, measured on {@code samples} samples (axis 0 the batch)
     */
    static Plan plan(Onnx.GraphProto graph, ValueShapes shapes, String wrt, String of, int samples, long nIn, long nOut) {
        List<Onnx.NodeProto> active = activeNodes(graph, wrt, of);
        double[] cost = new double[active.size()];
        double total = 0;
        for (int i = 0; i < active.size(); i++) {
            cost[i] = nodeCost(active.get(i), shapes) / Math.max(1, samples);
            total += cost[i];
        }
        double forward = nIn * total;
        double reverse = nOut * total;
        String bestCut = null;
        long bestWidth = 0;
        double best = Double.POSITIVE_INFINITY;
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < active.size(); i++) {
            for (String in : ControlFlow.inputs(active.get(i))) {
                lastUse.put(in, i);
            }
        }
        Set<String> live = new HashSet<>();
        live.add(wrt);
        for (int i = 0; i < active.size(); i++) {
            Onnx.NodeProto n = active.get(i);
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    live.add(out);
                }
            }
            final int at = i;
            live.removeIf(v -> lastUse.getOrDefault(v, -1) <= at && !v.equals(of));
            if (live.size() != 1 || i == active.size() - 1) {
                continue;
            }
            String v = live.iterator().next();
            if (v.equals(of) || !shapes.known(v) || !shapes.isFloat(v) || shapes.type(v) != shapes.type(wrt)) {
                continue;
            }
            long[] shape = shapes.shape(v);
            if (shape.length == 0 || shape[0] != samples) {
                continue; // per-sample Jacobians need v to keep the samples on axis 0
            }
            long width = Tensor.elementCount(shape) / samples;
            double mixed = width * total + 2.0 * nOut * width * nIn;
            if (mixed < best) {
                best = mixed;
                bestCut = v;
                bestWidth = width;
            }
        }
        double pure = Math.min(forward, reverse);
        if (bestCut != null && best < MIXED_MARGIN * pure) {
            return new Plan(Kind.MIXED, bestCut, bestWidth, forward, reverse, best);
        }
        return new Plan(forward <= reverse ? Kind.FORWARD : Kind.REVERSE, bestCut, bestWidth, forward, reverse, best);
    }

    /** The nodes on a path from {@code wrt} to {@code of}, in graph order. */
    static List<Onnx.NodeProto> activeNodes(Onnx.GraphProto graph, String wrt, String of) {
        Set<String> fromInput = new HashSet<>(Set.of(wrt));
        for (Onnx.NodeProto n : graph.getNodeList()) {
            if (ControlFlow.inputs(n).stream().anyMatch(fromInput::contains)) {
                fromInput.addAll(n.getOutputList());
            }
        }
        Set<String> toOutput = new HashSet<>(Set.of(of));
        List<Onnx.NodeProto> nodes = graph.getNodeList();
        boolean[] keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Onnx.NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(toOutput::contains) && ControlFlow.inputs(n).stream().anyMatch(fromInput::contains)) {
                keep[i] = true;
                toOutput.addAll(ControlFlow.inputs(n)); // a subgraph's reads included
            }
        }
        List<Onnx.NodeProto> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }

    /** FLOPs of a node on the probe samples ({@link NodeFlops}). */
    static double nodeCost(Onnx.NodeProto n, ValueShapes shapes) {
        return NodeFlops.of(n, v -> !v.isEmpty() && shapes.known(v) ? shapes.shape(v) : null);
    }
}
