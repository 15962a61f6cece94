package org.jacobi.jacobian;

import java.util.List;
import org.jacobi.core.Tensor;

/**
 * Per-sample sensitivity of an output to each parameter tensor: {@code norms[b, p]} is the Frobenius norm of
 * {@code d(of)[b] / d(parameter p)}.
 *
 * @param norms float32 {@code [samples, parameters]}
 */
public record ParameterNorms(Tensor norms, List<String> parameters, String of, String backend, long elapsedNanos) {
    public ParameterNorms {
        parameters = List.copyOf(parameters);
    }

    public int samples() {
        return (int) norms.dim(0);
    }

    public double norm(int sample, int parameter) {
        return norms.getDouble(sample * parameters.size() + parameter);
    }

    /** The mean over samples of each parameter's norm. */
    public double[] means() {
        double[] m = new double[parameters.size()];
        for (int b = 0; b < samples(); b++) {
            for (int p = 0; p < m.length; p++) {
                m[p] += norm(b, p) / samples();
            }
        }
        return m;
    }
}
