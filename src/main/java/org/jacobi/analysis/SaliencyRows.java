package org.jacobi.analysis;

import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;

/**
 * One row of the per-sample Jacobian (the derivative of one output element of one sample with respect to
 * that sample's input) by a single vector-Jacobian product with a one-hot cotangent, so that a saliency map
 * costs one reverse pass instead of the whole Jacobian.
 */
public final class SaliencyRows {
    private SaliencyRows() {
    }

    /** A cotangent shaped {@code outputShape} (batch first) that is 1 at element {@code output} of {@code sample}, else 0. */
    public static Tensor oneHot(long[] outputShape, int sample, int output) {
        long total = 1;
        for (long d : outputShape) {
            total *= d;
        }
        int samples = outputShape.length == 0 ? 1 : (int) outputShape[0];
        if (total > Integer.MAX_VALUE || samples <= 0) {
            throw new JacobiException("The output of shape " + java.util.Arrays.toString(outputShape) + " is too large for one cotangent.");
        }
        int perSample = (int) (total / samples);
        if (sample < 0 || sample >= samples) {
            throw new JacobiException("Sample " + sample + " is out of range 0.." + (samples - 1) + ".");
        }
        if (output < 0 || output >= perSample) {
            throw new JacobiException("Output index " + output + " is out of range 0.." + (perSample - 1) + ".");
        }
        float[] c = new float[(int) total];
        c[sample * perSample + output] = 1f;
        return Tensor.ofFloats(c, outputShape);
    }

    /**
     * d(output element {@code output} of sample {@code sample}) / d(that sample's input), flattened like
     * one sample of the input.
     *
     * @param outputShape the shape of {@code request}'s output (all samples), e.g. from one forward run
     */
    public static double[] row(JacobianEngine engine, JacobianRequest request, long[] outputShape, int sample, int output,
                               ProgressMonitor monitor) {
        Tensor gradient = engine.vectorJacobianProduct(request, oneHot(outputShape, sample, output), monitor);
        int samples = outputShape.length == 0 ? 1 : (int) outputShape[0];
        int perSample = gradient.size() / samples;
        double[] all = gradient.toDoubleArray();
        double[] row = new double[perSample];
        System.arraycopy(all, sample * perSample, row, 0, perSample);
        return row;
    }
}
