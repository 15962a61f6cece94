package org.jacobi.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model file says about itself: inputs, outputs and, for ONNX, the graph's operators, opsets,
 * IR version and parameter count. Built once when the model is loaded.
 *
 * @param shapeSource where the input shapes come from: "model", "--shape", "sample input" or "unknown"
 * @param operatorCounts operator type to node count, in first-appearance order, nodes inside If, Loop and Scan
 *     subgraphs included (empty for TorchScript)
 * @param opsets operator-set domain ("ai.onnx" for the default) to version
 * @param irVersion the ONNX IR version, or 0 when not ONNX
 * @param parameterCount number of floating-point weight values, or -1 when unknown
 * @param subgraphNodeCount how many of the counted nodes live inside If, Loop and Scan subgraphs
 */
public record ModelInfo(
    Path path,
    ModelFormat format,
    long fileBytes,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    String shapeSource,
    Map<String, Integer> operatorCounts,
    Map<String, Long> opsets,
    long irVersion,
    long parameterCount,
    String producer,
    int subgraphNodeCount) {

    /** A model without subgraphs. */
    public ModelInfo(Path path, ModelFormat format, long fileBytes, List<TensorSpec> inputs, List<TensorSpec> outputs,
                     String shapeSource, Map<String, Integer> operatorCounts, Map<String, Long> opsets, long irVersion,
                     long parameterCount, String producer) {
        this(path, format, fileBytes, inputs, outputs, shapeSource, operatorCounts, opsets, irVersion, parameterCount, producer, 0);
    }

    public ModelInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        operatorCounts = Collections.unmodifiableMap(new LinkedHashMap<>(operatorCounts));
        opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
    }

    public String fileName() {
        return path.getFileName().toString();
    }

    /** The input called {@code name}, or null. */
    public TensorSpec input(String name) {
        return inputs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** The output called {@code name}, or null. */
    public TensorSpec output(String name) {
        return outputs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    public int nodeCount() {
        return operatorCounts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
