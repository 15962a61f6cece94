package org.jacobi.jacobian;

import java.util.List;
import org.jacobi.core.Tensor;

/**
 * Per-sample Hessians (or Hessian-vector products) of one scalar per sample.
 *
 * @param hessian float32 {@code [batch, *in, *in]} (without batch axis {@code [*in, *in]}); for a
 *     Hessian-vector product {@code [batch, *in]}
 * @param gradient the first derivative of the same scalar, shaped like the wrt input
 * @param output the differentiated output at the inputs
 */
public record HessianResult(Tensor hessian, Tensor gradient, Tensor output, String wrt, String of, String target,
                            long[] sampleInputShape, boolean batched, boolean vectorProduct, String backend,
                            String device, int chunks, long nanos, List<String> warnings) {
    public int samples() {
        return batched ? (int) hessian.dim(0) : 1;
    }

    public int inputsPerSample() {
        return Math.toIntExact(Tensor.elementCount(sampleInputShape));
    }

    public double seconds() {
        return nanos / 1e9;
    }

    /** One sample's Hessian as a row-major {@code n x n} array (n inputs per sample). */
    public float[] sampleHessian(int sample) {
        int n = inputsPerSample();
        float[] out = new float[n * n];
        System.arraycopy(hessian.floats(), sample * n * n, out, 0, n * n);
        return out;
    }
}
