package org.jacobi.jacobian;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jacobi.core.Tensor;

/**
 * A computed Jacobian and how it was made.
 *
 * @param jacobian float32, {@code [batch, *output_shape, *input_shape]} when batched, else
 *     {@code [*output_shape, *input_shape]}
 * @param output the differentiated output's values at the inputs (batch axis included)
 * @param wrt the input differentiated with respect to
 * @param of the output differentiated
 * @param sampleInputShape one sample's input shape (the whole input when not batched)
 * @param sampleOutputShape one sample's output shape
 * @param batched whether axis 0 of the Jacobian is the batch
 * @param mode the mode actually used: FORWARD, REVERSE or FD
 * @param exact false for finite differences
 * @param backend e.g. "ONNX autodiff on ONNX Runtime", "PyTorch autograd (DJL)", "finite differences"
 * @param device e.g. "CPU" or "CUDA:0"
 * @param chunks how many chunks the work was split into
 * @param elapsedNanos wall time of the computation
 * @param warnings things the user must see (fallbacks to CPU or to finite differences)
 * @param estimatedError for finite differences, the largest estimated absolute error of an entry (Richardson
 *     comparison of two steps plus rounding); NaN for exact results
 * @param dependsOnInput false when the output does not depend on {@code wrt} through any node (subgraphs included):
 *     the zeros of {@code jacobian} are then no derivative, and the result says "does not depend on" instead
 */
public record JacobianResult(Tensor jacobian, Tensor output, String wrt, String of, long[] sampleInputShape,
                             long[] sampleOutputShape, boolean batched, JacobianMode mode, boolean exact,
                             String backend, String device, int chunks, long elapsedNanos, List<String> warnings,
                             double estimatedError, boolean dependsOnInput) {
    public JacobianResult {
        warnings = List.copyOf(warnings);
    }

    /** A result of an output that depends on its input. */
    public JacobianResult(Tensor jacobian, Tensor output, String wrt, String of, long[] sampleInputShape,
                          long[] sampleOutputShape, boolean batched, JacobianMode mode, boolean exact,
                          String backend, String device, int chunks, long elapsedNanos, List<String> warnings,
                          double estimatedError) {
        this(jacobian, output, wrt, of, sampleInputShape, sampleOutputShape, batched, mode, exact, backend, device, chunks,
            elapsedNanos, warnings, estimatedError, true);
    }

    /** A result without an error estimate (exact engines). */
    public JacobianResult(Tensor jacobian, Tensor output, String wrt, String of, long[] sampleInputShape,
                          long[] sampleOutputShape, boolean batched, JacobianMode mode, boolean exact,
                          String backend, String device, int chunks, long elapsedNanos, List<String> warnings) {
        this(jacobian, output, wrt, of, sampleInputShape, sampleOutputShape, batched, mode, exact, backend, device, chunks,
            elapsedNanos, warnings, Double.NaN);
    }

    /** The largest absolute entry of the Jacobian. */
    public double largestEntry() {
        double m = 0;
        for (float v : jacobian.floats()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** The estimated error relative to the largest entry, or NaN when there is no estimate. */
    public double estimatedRelativeError() {
        if (Double.isNaN(estimatedError)) {
            return Double.NaN;
        }
        double m = largestEntry();
        return m == 0 ? (estimatedError == 0 ? 0 : Double.POSITIVE_INFINITY) : estimatedError / m;
    }

    /** Number of samples (1 when not batched). */
    public int samples() {
        return batched ? (int) jacobian.dim(0) : 1;
    }

    public int outputsPerSample() {
        return Math.toIntExact(Tensor.elementCount(sampleOutputShape));
    }

    public int inputsPerSample() {
        return Math.toIntExact(Tensor.elementCount(sampleInputShape));
    }

    /** The {@code [n_out, n_in]} matrix of one sample, row-major, as a fresh double array. */
    public double[] sampleMatrix(int sample) {
        int n = outputsPerSample() * inputsPerSample();
        float[] all = jacobian.floats();
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = all[sample * n + i];
        }
        return m;
    }

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    public double samplesPerSecond() {
        return samples() / Math.max(1e-9, seconds());
    }

    /** "reverse (exact)" or "finite differences (approximate, estimated error 1.2e-04 of the largest entry)". */
    public String methodLabel() {
        if (exact) {
            return mode.label() + " (exact)";
        }
        if (Double.isNaN(estimatedError)) {
            return mode.label() + " (approximate)";
        }
        return mode.label() + String.format(Locale.ROOT, " (approximate, estimated error %.1e of the largest entry)",
            estimatedRelativeError());
    }

    /** A copy with extra warnings added. */
    public JacobianResult withWarnings(List<String> more) {
        List<String> all = new ArrayList<>(warnings);
        all.addAll(more);
        return new JacobianResult(jacobian, output, wrt, of, sampleInputShape, sampleOutputShape, batched, mode,
            exact, backend, device, chunks, elapsedNanos, all, estimatedError, dependsOnInput);
    }

    /** This result marked as one of an output that does not depend on its input ({@code dependsOnInput} false). */
    public JacobianResult independent() {
        return new JacobianResult(jacobian, output, wrt, of, sampleInputShape, sampleOutputShape, batched, mode,
            exact, backend, device, chunks, elapsedNanos, warnings, estimatedError, false);
    }
}
