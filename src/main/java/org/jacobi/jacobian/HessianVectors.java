package org.jacobi.jacobian;

import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/** The direction of a Hessian-vector product, one per sample. */
public final class HessianVectors {
    private HessianVectors() {
    }

    /**
     * The vector for every sample, {@code [samples * nIn]}: {@code v} is either one sample's shape (the same
     * direction for every sample) or the input's shape with the batch axis.
     */
    public static double[] perSample(Tensor v, int samples, long[] sampleInputShape, boolean batched) {
        int nIn = Math.toIntExact(Tensor.elementCount(sampleInputShape));
        double[] d = v.toDoubleArray();
        if (d.length == nIn) {
            double[] out = new double[samples * nIn];
            for (int b = 0; b < samples; b++) {
                System.arraycopy(d, 0, out, b * nIn, nIn);
            }
            return out;
        }
        if (batched && d.length == (long) samples * nIn) {
            return d;
        }
        throw JacobiException.usage("The vector has shape " + Tensor.shapeToString(v.shape()) + "; it needs one sample's input shape "
            + Tensor.shapeToString(sampleInputShape) + (batched ? " or the input's shape with the batch axis, "
            + Tensor.shapeToString(concat(samples, sampleInputShape)) : "") + ".");
    }

    private static long[] concat(long first, long[] rest) {
        long[] out = new long[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
