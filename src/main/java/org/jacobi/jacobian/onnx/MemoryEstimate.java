package org.jacobi.jacobian.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
        long total = 0;
        long largestValue = 0;
        // Weights are not direction-sized: a rule's workspace scales with the activations it touches, and
        // counting a 1024 x 1024 weight as workspace once shrank a wide MLP's runs to one sample (M = 64 GEMMs).
        Set<String> constants = new HashSet<>();
        source.getInitializerList().forEach(t -> constants.add(t.getName()));
        for (Onnx.NodeProto node : source.getNodeList()) {
            if (node.getOpType().equals("Constant")) {
                constants.addAll(node.getOutputList());
            }
        }
        for (Onnx.ValueInfoProto in : source.getInputList()) {
            String v = in.getName();
            if (!constants.contains(v) && shapes.known(v) && shapes.isFloat(v)) {
                largestValue = Math.max(largestValue, Tensor.elementCount(shapes.shape(v)) * ElementType.runBytesOfCode(shapes.type(v)));
            }
        }
        Map<String, Long> largest = new HashMap<>();
        for (int i = 0; i < source.getNodeCount(); i++) {
            Onnx.NodeProto node = source.getNode(i);
            long nodeLargest = 0;
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && shapes.known(out) && shapes.isFloat(out)) {
                    long bytes = Tensor.elementCount(shapes.shape(out)) * ElementType.runBytesOfCode(shapes.type(out));
                    total += bytes;
                    largestValue = Math.max(largestValue, bytes);
                }
            }
            for (String v : concat(node)) {
                if (!v.isEmpty() && !constants.contains(v) && shapes.known(v)) {
                    nodeLargest = Math.max(nodeLargest, Tensor.elementCount(shapes.shape(v)));
                }
            }
            nodeLargest = Math.max(nodeLargest, convColumns(node, shapes));
            largest.put(node.getName().isEmpty() ? node.getOpType() + "_" + i : node.getName(), nodeLargest);
        }
        Map<String, Long> workspace = new HashMap<>();
        for (Onnx.NodeProto n : differentiated) {
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
