package org.jacobi.jacobian.onnx;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.ValueShapes;
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
    /** Tangents alive at once, in copies of every float value of one sample. */
    static final int TANGENT_COPIES = 3;
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
                             int samplesInShapes, long inputBytesPerSample) {
        long total = 0;
        // Weights are not direction-sized: a rule's workspace scales with the activations it touches, and
        // counting a 1024 x 1024 weight as workspace once shrank a wide MLP's runs to one sample (M = 64 GEMMs).
        Set<String> constants = new java.util.HashSet<>();
        source.getInitializerList().forEach(t -> constants.add(t.getName()));
        for (Onnx.NodeProto node : source.getNodeList()) {
            if (node.getOpType().equals("Constant")) {
                constants.addAll(node.getOutputList());
            }
        }
        Map<String, Long> largest = new HashMap<>();
        for (int i = 0; i < source.getNodeCount(); i++) {
            Onnx.NodeProto node = source.getNode(i);
            long nodeLargest = 0;
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && shapes.known(out) && shapes.isFloat(out)) {
                    total += Tensor.elementCount(shapes.shape(out)) * (shapes.type(out) == 11 ? 8 : 4);
                }
            }
            for (String v : concat(node)) {
                if (!v.isEmpty() && !constants.contains(v) && shapes.known(v)) {
                    nodeLargest = Math.max(nodeLargest, Tensor.elementCount(shapes.shape(v)));
                }
            }
            largest.put(node.getName().isEmpty() ? node.getOpType() + "_" + i : node.getName(), nodeLargest);
        }
        Map<String, Long> workspace = new HashMap<>();
        for (Onnx.NodeProto n : differentiated) {
            String label = sourceLabel(n.getOutputCount() == 0 ? "" : n.getOutput(0));
            if (label == null || FREE.contains(n.getOpType()) || !largest.containsKey(label)) {
                continue;
            }
            // 8 bytes an element: the widest value a rule emits (int64 positions, float64 tangents)
            workspace.merge(label, 8 * largest.get(label), Long::sum);
        }
        long transientBytes = workspace.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long perSample = total / Math.max(1, samplesInShapes) + inputBytesPerSample;
        return Math.max(64, TANGENT_COPIES * perSample + transientBytes / Math.max(1, samplesInShapes));
    }

    private static Iterable<String> concat(Onnx.NodeProto node) {
        java.util.List<String> all = new java.util.ArrayList<>(node.getInputList());
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
        return bytes >= 10L << 20 ? (bytes >> 20) + " MiB" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
