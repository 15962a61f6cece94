package org.jacobi.jacobian;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.ByteSizes;
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
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
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

    /** Refuses a full Hessian ({@code samples x n x n} float32) that does not fit the memory budget. */
    public void checkFullHessianFits(int samples, long inputsPerSample) {
        long budget = memoryBudget();
        long bytes = samples * inputsPerSample * inputsPerSample * 4L;
        if (bytes > budget || samples * inputsPerSample * inputsPerSample > Integer.MAX_VALUE - 8) {
            throw JacobiException.usage(String.format(Locale.ROOT,
                "The Hessian would take %s (%d samples x %d x %d float32), more than the memory budget of %s. "
                    + "Use --vector V.npy for Hessian-vector products, fewer samples, or a larger --max-memory.",
                ByteSizes.text(bytes), samples, inputsPerSample, inputsPerSample, ByteSizes.text(budget)));
        }
    }

    /** "output element 3" or "sum of outputs", for metadata and labels. */
    public String targetLabel() {
        return element == SUM ? "sum of outputs" : "output element " + element;
    }
}
