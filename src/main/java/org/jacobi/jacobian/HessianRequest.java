package org.jacobi.jacobian;

import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/**
 * One per-sample Hessian to compute: the second derivative of one scalar per sample (output element
 * {@code element} of {@code of}, or the sum of the sample's outputs) with respect to the input {@code wrt}.
 *
 * @param element a flat index into one sample's output, or {@link #SUM} for the sum of the sample's outputs
 * @param vector null for the full Hessian; otherwise a direction per sample ({@code [*in]} for every sample or
 *     {@code [batch, *in]}) and the result is the Hessian-vector product
 */
public record HessianRequest(Map<String, Tensor> inputs, String wrt, String of, int element, Tensor vector,
                             BatchAxis batchAxis, long maxMemoryBytes) {
    public static final int SUM = -1;

    public HessianRequest {
        inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
        if (element < SUM) {
            throw JacobiException.usage("--element must be 0 or more (a flat index into one sample's output).");
        }
    }

    public static HessianRequest of(Map<String, Tensor> inputs) {
        return new HessianRequest(inputs, null, null, 0, null, BatchAxis.AUTO, 0);
    }

    public HessianRequest withElement(int newElement) {
        return new HessianRequest(inputs, wrt, of, newElement, vector, batchAxis, maxMemoryBytes);
    }

    public HessianRequest withVector(Tensor newVector) {
        return new HessianRequest(inputs, wrt, of, element, newVector, batchAxis, maxMemoryBytes);
    }

    public HessianRequest withMaxMemory(long bytes) {
        return new HessianRequest(inputs, wrt, of, element, vector, batchAxis, bytes);
    }

    public HessianRequest withWrtOf(String newWrt, String newOf) {
        return new HessianRequest(inputs, newWrt, newOf, element, vector, batchAxis, maxMemoryBytes);
    }

    /** The same choice of wrt, of and batching as a Jacobian request, so that both resolve alike. */
    public JacobianRequest asJacobianRequest() {
        return new JacobianRequest(inputs, wrt, of, batchAxis, JacobianMode.REVERSE, maxMemoryBytes);
    }

    public long memoryBudget() {
        return maxMemoryBytes > 0 ? maxMemoryBytes : JacobianRequest.defaultMemoryBudget();
    }

    /** "output element 3" or "sum of outputs", for metadata and labels. */
    public String targetLabel() {
        return element == SUM ? "sum of outputs" : "output element " + element;
    }
}
