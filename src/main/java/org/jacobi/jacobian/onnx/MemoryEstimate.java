package org.jacobi.jacobian.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/**
 * The bytes one (sample, direction) pair needs in a run of a differentiated graph, for sizing chunks:
 * a few copies of every float value of one sample (the tangents or cotangents that are alive together), plus
 * the largest workspace one rule emits (its direction-sized temporaries, such as a MaxPool adjoint's
 * int64 positions and scatter target). Every emitted node is named under the source node it differentiates
 * ({@code jvp/<node>/...}, {@code vjp/<node>/...}), which is how its size is found.
 */
final class MemoryEstimate {
    /**
     * Direction-sized values alive at once, in copies of the largest value of one sample. Calibrated against peak
     * resident memory (one run of every sample, `/usr/bin/time`): 8.7 KB a pair measured on an attention block, 128 KB
     * on cnn_small, 119 KB on a residual block, 15 KB on a wide MLP, 0.8 KB on mlp_tanh; this estimate is 1.2 to 2.3
     * times those. (Three copies of every value, the estimate before, was 3 to 10 times them, and runs were too small.)
     */
    static final int LIVE_TANGENTS = 8;
    /** Emitted operators that allocate nothing direction-sized (shape arithmetic) or alias their input. */
    private static final Set<String> FREE = Set.of("Shape", "Size", "Reshape", "Squeeze", "Unsqueeze", "Identity",
        "Constant", "Flatten", "ConstantOfShape", "Range");

    private MemoryEstimate() {
    }

    /**
     * @param source the graph that was differentiated
     * @param differentiated its derivative's nodes
     * @param samplesInShapes how many samples {@code shapes} were measured on (1 without a batch axis)
     * @param inputBytesPerSample bytes of one sample of the differentiated input (the seed or the result)
     */
    static long bytesPerPair(Onnx.GraphProto source, Iterable<Onnx.NodeProto> differentiated, ValueShapes shapes,
                             int samplesInShapes, long inputBytesPerSample, int directions) {
        long inputLargest = 0;
        // Weights are not direction-sized: a rule's workspace scales with the activations it touches, and
        // counting a 1024 x 1024 weight as workspace once shrank a wide MLP's runs to one sample (M = 64 GEMMs).
        Set<String> constants = new HashSet<>();
        constants(source, constants);
        for (Onnx.ValueInfoProto in : source.getInputList()) {
            String v = in.getName();
            if (!constants.contains(v) && shapes.known(v) && shapes.isFloat(v)) {
                inputLargest = Math.max(inputLargest, Tensor.elementCount(shapes.shape(v)) * ElementType.runBytesOfCode(shapes.type(v)));
            }
        }
        Map<String, Long> largest = new HashMap<>();
        long[] sizes = {0, inputLargest};
        count(source.getNodeList(), "", shapes, constants, largest, sizes);
        long total = sizes[0];
        long largestValue = sizes[1];
        Map<String, Long> workspace = new HashMap<>();
        for (Onnx.NodeProto n : withSubgraphNodes(differentiated)) {
            String label = sourceLabel(n.getOutputCount() == 0 ? "" : n.getOutput(0));
            if (label == null || FREE.contains(n.getOpType()) || !largest.containsKey(label)) {
                continue;
            }
            // 8 bytes an element: the widest value a rule emits (int64 positions, float64 tangents)
            workspace.merge(label, 8 * largest.get(label), Math::max);
        }
        long transientBytes = workspace.values().stream().mapToLong(Long::longValue).max().orElse(0);
        int n = Math.max(1, samplesInShapes);
        // ONNX Runtime frees a tangent once its last reader ran, so a run holds a few direction-sized values at once
        // (sized as the largest), while the primal values it keeps for the reverse pass are per sample, shared by all
        // of a sample's directions.
        long perPair = LIVE_TANGENTS * (largestValue / n) + transientBytes / n + inputBytesPerSample;
        long perSample = total / n;
        return Math.max(64, perPair + perSample / Math.max(1, directions));
    }

    /** The nodes and, at any depth, those of their subgraphs (the derivative of an If is an If). */
    private static List<Onnx.NodeProto> withSubgraphNodes(Iterable<Onnx.NodeProto> nodes) {
        List<Onnx.NodeProto> all = new ArrayList<>();
        for (Onnx.NodeProto n : nodes) {
            all.add(n);
            ControlFlow.subgraphs(n).forEach(g -> all.addAll(withSubgraphNodes(g.getNodeList())));
        }
        return all;
    }

    /** The weights of a graph and of its subgraphs: initializers and Constant nodes' outputs. */
    private static void constants(Onnx.GraphProto graph, Set<String> out) {
        graph.getInitializerList().forEach(t -> out.add(t.getName()));
        for (Onnx.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant")) {
                out.addAll(node.getOutputList());
            }
            ControlFlow.subgraphs(node).forEach(g -> constants(g, out));
        }
    }

    /**
     * Adds the float values {@code nodes} compute to {@code sizes} ({total, largest} bytes) and each node's largest value
     * in elements to {@code largest}, under the label its derivative's names carry; the values inside an If's branches
     * too (the probe learns them), under the If's label and the branch's name, as the differentiator labels them.
     */
    private static void count(List<Onnx.NodeProto> nodes, String scope, ValueShapes shapes, Set<String> constants,
                              Map<String, Long> largest, long[] sizes) {
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto node = nodes.get(i);
            String own = node.getName().isEmpty() ? node.getOpType() + "_" + i : node.getName();
            String label = scope.isEmpty() ? own : scope + "/" + own;
            long nodeLargest = 0;
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && shapes.known(out) && shapes.isFloat(out)) {
                    long bytes = Tensor.elementCount(shapes.shape(out)) * ElementType.runBytesOfCode(shapes.type(out));
                    sizes[0] += bytes;
                    sizes[1] = Math.max(sizes[1], bytes);
                }
            }
            for (String v : concat(node)) {
                if (!v.isEmpty() && !constants.contains(v) && shapes.known(v)) {
                    nodeLargest = Math.max(nodeLargest, Tensor.elementCount(shapes.shape(v)));
                }
            }
            largest.put(label, Math.max(nodeLargest, convColumns(node, shapes)));
            for (Onnx.AttributeProto a : node.getAttributeList()) {
                if (a.hasG()) {
                    count(a.getG().getNodeList(), label + "/" + a.getName(), shapes, constants, largest, sizes);
                }
            }
        }
    }

    /**
     * The elements of the column buffer ONNX Runtime's convolution kernels unfold into (channels per group x kernel
     * area x output positions, for every image): the adjoint convolution of a Conv needs one as large, a run holds one
     * per direction and sample, and on a ResNet it outweighs the activations.
     */
    static long convColumns(Onnx.NodeProto node, ValueShapes shapes) {
        if (!node.getOpType().equals("Conv") || node.getInputCount() < 2 || node.getOutputCount() < 1) {
            return 0;
        }
        String w = node.getInput(1);
        String y = node.getOutput(0);
        if (!shapes.known(w) || !shapes.known(y)) {
            return 0;
        }
        long[] ws = shapes.shape(w);
        long[] ys = shapes.shape(y);
        if (ws.length < 3 || ys.length != ws.length) {
            return 0;
        }
        long perPosition = 1;
        for (int i = 1; i < ws.length; i++) {
            perPosition *= ws[i];
        }
        long positions = ys[0];
        for (int i = 2; i < ys.length; i++) {
            positions *= ys[i];
        }
        return perPosition * positions;
    }

    private static Iterable<String> concat(Onnx.NodeProto node) {
        List<String> all = new ArrayList<>(node.getInputList());
        all.addAll(node.getOutputList());
        return all;
    }

    /** {@code vjp/<label>/tag} or {@code jvp/<label>/tag} -> label; null for anything else. */
    static String sourceLabel(String emitted) {
        if (!emitted.startsWith("jvp/") && !emitted.startsWith("vjp/")) {
            return null;
        }
        int end = emitted.lastIndexOf('/');
        return end <= 4 ? null : emitted.substring(4, end);
    }

    static String mib(long bytes) {
        if (bytes < 100L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes >= 10L << 20 ? (bytes >> 20) + " MiB" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
