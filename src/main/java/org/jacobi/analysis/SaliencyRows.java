package org.jacobi.analysis;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.CancelledException;
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
            throw new JacobiException("The output of shape " + Arrays.toString(outputShape) + " is too large for one cotangent.");
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
        return sampleRow(engine.vectorJacobianProduct(request, oneHot(outputShape, sample, output), monitor), outputShape, sample);
    }

    /**
     * The weighted sum of rows of sample {@code sample}'s Jacobian (the derivative of a region of its output, summed,
     * with respect to that sample's input) by one reverse pass, flattened like one sample of the input.
     *
     * @param weights one weight per output element of one sample
     */
    public static double[] weightedRow(JacobianEngine engine, JacobianRequest request, long[] outputShape, int sample,
                                       double[] weights, ProgressMonitor monitor) {
        Tensor cotangent = oneHot(outputShape, sample, 0); // checks the shape and the sample
        float[] c = cotangent.floats();
        int perSample = c.length / (outputShape.length == 0 ? 1 : (int) outputShape[0]);
        if (weights.length != perSample) {
            throw new JacobiException("The target has " + weights.length + " weights; one sample of the output has " + perSample + " elements.");
        }
        for (int i = 0; i < perSample; i++) {
            c[sample * perSample + i] = (float) weights[i];
        }
        return sampleRow(engine.vectorJacobianProduct(request, cotangent, monitor), outputShape, sample);
    }

    /** Sample {@code sample}'s part of a gradient of all samples' inputs, flattened. */
    private static double[] sampleRow(Tensor gradient, long[] outputShape, int sample) {
        int samples = outputShape.length == 0 ? 1 : (int) outputShape[0];
        int perSample = gradient.size() / samples;
        return Arrays.copyOfRange(gradient.toDoubleArray(), sample * perSample, (sample + 1) * perSample);
    }

    /**
     * Several rows of one sample's Jacobian (outputs {@code outputs} of sample {@code sample}) by one reverse pass
     * over a batch of copies of that sample, each copy with its own one-hot cotangent: the rows fold into one
     * batch, which runs faster than one pass per row. Needs a model whose batch axis is dynamic
     * ({@code resizableBatch}); otherwise, or when the model refuses the copies, one pass per row over the
     * inputs as given.
     *
     * @return {@code outputs.length} rows, each flattened like one sample of the input
     */
    public static float[][] rows(JacobianEngine engine, JacobianRequest request, long[] outputShape, int sample,
                                 int[] outputs, boolean resizableBatch, ProgressMonitor monitor) {
        if (outputs.length == 0) {
            return new float[0][];
        }
        if (resizableBatch) {
            try {
                return rowsOfCopies(engine, request, outputShape, sample, outputs, monitor);
            } catch (CancelledException e) {
                throw e;
            } catch (JacobiException | UnsupportedOperationException e) {
                // the model takes no other batch size after all: one pass per row below
            }
        }
        float[][] rows = new float[outputs.length][];
        for (int k = 0; k < outputs.length; k++) {
            monitor.checkCancelled();
            double[] row = row(engine, request, outputShape, sample, outputs[k], monitor);
            rows[k] = new float[row.length];
            for (int i = 0; i < row.length; i++) {
                rows[k][i] = (float) row[i];
            }
        }
        return rows;
    }

    private static float[][] rowsOfCopies(JacobianEngine engine, JacobianRequest request, long[] outputShape, int sample,
                                          int[] outputs, ProgressMonitor monitor) {
        int samples = outputShape.length == 0 ? 1 : (int) outputShape[0];
        int k = outputs.length;
        long[] copiesShape = outputShape.clone();
        copiesShape[0] = k;
        int perSample = (int) (Tensor.elementCount(outputShape) / samples);
        float[] c = new float[k * perSample];
        for (int i = 0; i < k; i++) {
            oneHot(outputShape, sample, outputs[i]); // checks the indices
            c[i * perSample + outputs[i]] = 1f;
        }
        JacobianRequest copies = request.withInputs(copiesOf(request.inputs(), samples, sample, k));
        float[] g = engine.vectorJacobianProduct(copies, Tensor.ofFloats(c, copiesShape), monitor).toFloatArray();
        int nIn = g.length / k;
        float[][] rows = new float[k][];
        for (int i = 0; i < k; i++) {
            rows[i] = Arrays.copyOfRange(g, i * nIn, (i + 1) * nIn);
        }
        return rows;
    }

    /** The inputs with every batched one (axis 0 of length {@code samples}) replaced by {@code copies} copies of one sample. */
    static Map<String, Tensor> copiesOf(Map<String, Tensor> inputs, int samples, int sample, int copies) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() > 0 && t.dim(0) == samples) {
                Tensor one = t.sliceRows(sample, sample + 1);
                out.put(e.getKey(), copies == 1 ? one : Tensor.concatRows(Collections.nCopies(copies, one)));
            } else {
                out.put(e.getKey(), t);
            }
        }
        return out;
    }
}
