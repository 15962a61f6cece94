package org.jacobi.compare;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;

/**
 * What to compare: both models are run and differentiated at the same inputs.
 *
 * @param inputs every input of model A by A's names, batch axis included, already checked against A
 *     ({@link org.jacobi.model.InputBinder}); model B gets the same values under its own names
 * @param wrt model A's input to differentiate with respect to, or null for A's first floating-point input
 * @param of model A's output to differentiate, or null for A's first output
 * @param batchAxis which axis holds independent samples; decided on model A and imposed on B, so both
 *     Jacobians have the same layout
 * @param mode forward, reverse, finite differences or auto, for both models
 * @param maxMemoryBytes chunking budget per Jacobian; 0 for the default
 * @param mapping model B's names for model A's inputs and outputs where they differ
 */
public record ComparisonRequest(Map<String, Tensor> inputs, String wrt, String of, BatchAxis batchAxis,
                                JacobianMode mode, long maxMemoryBytes, NameMapping mapping) {
    public ComparisonRequest {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        mapping = mapping == null ? NameMapping.identity() : mapping;
    }

    /** Defaults everywhere: first input and output, automatic mode and batch axis, same names. */
    public static ComparisonRequest of(Map<String, Tensor> inputs) {
        return new ComparisonRequest(inputs, null, null, BatchAxis.AUTO, JacobianMode.AUTO, 0, NameMapping.identity());
    }

    public ComparisonRequest withWrtOf(String newWrt, String newOf) {
        return new ComparisonRequest(inputs, newWrt, newOf, batchAxis, mode, maxMemoryBytes, mapping);
    }

    public ComparisonRequest withMapping(NameMapping newMapping) {
        return new ComparisonRequest(inputs, wrt, of, batchAxis, mode, maxMemoryBytes, newMapping);
    }

    public ComparisonRequest withMode(JacobianMode newMode) {
        return new ComparisonRequest(inputs, wrt, of, batchAxis, newMode, maxMemoryBytes, mapping);
    }

    /** The same settings as a Jacobian request for model A. */
    public JacobianRequest requestForA() {
        return new JacobianRequest(inputs, wrt, of, batchAxis, mode, maxMemoryBytes);
    }
}
