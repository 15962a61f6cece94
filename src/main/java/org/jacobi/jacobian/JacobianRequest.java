package org.jacobi.jacobian;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.Tensor;

/**
 * One Jacobian to compute: d(of)/d(wrt) at the given inputs.
 *
 * @param inputs every model input, batch axis included, already checked ({@link org.jacobi.model.InputBinder})
 * @param wrt the input to differentiate with respect to, or null for the first floating-point input
 * @param of the output to differentiate, or null for the first output
 * @param batchAxis which axis holds independent samples
 * @param mode forward, reverse, finite differences, or auto
 * @param maxMemoryBytes the budget that chunking keeps to; 0 for the default ({@link #defaultMemoryBudget()})
 */
public record JacobianRequest(Map<String, Tensor> inputs, String wrt, String of, BatchAxis batchAxis,
                              JacobianMode mode, long maxMemoryBytes) {
    public JacobianRequest {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    public static JacobianRequest of(Map<String, Tensor> inputs) {
        return new JacobianRequest(inputs, null, null, BatchAxis.AUTO, JacobianMode.AUTO, 0);
    }

    public JacobianRequest withMode(JacobianMode newMode) {
        return new JacobianRequest(inputs, wrt, of, batchAxis, newMode, maxMemoryBytes);
    }

    public JacobianRequest withWrtOf(String newWrt, String newOf) {
        return new JacobianRequest(inputs, newWrt, newOf, batchAxis, mode, maxMemoryBytes);
    }

    public JacobianRequest withBatchAxis(BatchAxis axis) {
        return new JacobianRequest(inputs, wrt, of, axis, mode, maxMemoryBytes);
    }

    public JacobianRequest withInputs(Map<String, Tensor> newInputs) {
        return new JacobianRequest(newInputs, wrt, of, batchAxis, mode, maxMemoryBytes);
    }

    public JacobianRequest withMaxMemory(long bytes) {
        return new JacobianRequest(inputs, wrt, of, batchAxis, mode, bytes);
    }

    /** The budget in bytes: the one given, or a quarter of the JVM's maximum heap. */
    public long memoryBudget() {
        return maxMemoryBytes > 0 ? maxMemoryBytes : defaultMemoryBudget();
    }

    public static long defaultMemoryBudget() {
        return Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4);
    }
}
