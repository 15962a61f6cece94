package org.jacobi.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.Tensor;

/** A loaded model of either format: its description and a forward pass. Close it to free native memory. */
public interface Model extends AutoCloseable {
    ModelInfo info();

    /**
     * Runs the model forward.
     *
     * @param inputs every model input by name, batch axis included
     * @param outputs the outputs wanted, or any of the {@link #intermediateValues()}; empty for all outputs
     * @return the requested outputs by name, in declaration order
     */
    Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> outputs);

    /**
     * The values computed inside the graph (neither inputs nor outputs) that {@link #run} also returns when asked by
     * name, in graph order: the embedding lookup's output, a feature map, the logit before a final activation. Only ONNX
     * models expose them; empty otherwise.
     */
    default List<String> intermediateValues() {
        return List.of();
    }

    /**
     * The final activation that makes output {@code output}, when it is a Sigmoid or Softmax whose input is one of the
     * {@link #intermediateValues()}: the logit users differentiate, since the probability's derivative vanishes where
     * it saturates. Null otherwise.
     */
    default FinalActivation finalActivation(String output) {
        return null;
    }

    /** An output made by a final {@code operator} (Sigmoid, Softmax) from the value {@code logit}. */
    record FinalActivation(String logit, String operator) {
    }

    default Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return run(inputs, Set.of());
    }

    /**
     * Text the model file carries beside the graph: ONNX {@code metadata_props}, TorchScript extra files
     * (saved with {@code _extra_files}); empty when none. Element labels are read from it.
     */
    default Map<String, String> metadata() {
        return Map.of();
    }

    /**
     * How the model's precision was changed to compute with it, e.g. "float16 model computed in float32", or null
     * when it runs as it is.
     */
    default String precisionNote() {
        return null;
    }

    /** The device the forward pass runs on, e.g. "CPU" or "CUDA:0". */
    String device();

    @Override
    void close();
}
