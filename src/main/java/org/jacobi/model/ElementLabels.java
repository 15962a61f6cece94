package org.jacobi.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;

/**
 * Optional names for the elements of one sample of an input or output, e.g. "speed", "angle" for the
 * six numbers of a launch vector. ONNX models carry them as metadata {@code jacobi.labels.NAME} (comma
 * separated); heatmaps and reports use them instead of bare indices.
 */
public final class ElementLabels {
    public static final String METADATA_PREFIX = "jacobi.labels.";

    private ElementLabels() {
    }

    /** The labels of tensor {@code name}'s per-sample elements, when the model gives exactly that many. */
    public static Optional<List<String>> of(Model model, String name, int elementsPerSample) {
        if (!(model instanceof OnnxModel onnx)) {
            return Optional.empty();
        }
        for (Onnx.StringStringEntryProto entry : onnx.proto().getMetadataPropsList()) {
            if (entry.getKey().equals(METADATA_PREFIX + name)) {
                List<String> labels = Arrays.stream(entry.getValue().split(",")).map(String::strip).toList();
                return labels.size() == elementsPerSample ? Optional.of(labels) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
