package org.jacobi.jacobian;

import java.util.Arrays;
import java.util.function.Function;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.ModelInfo;

/**
 * Per-sample Jacobians where the input or the output holds its samples on an axis other than 0 (a recurrent state
 * {@code [layers, batch, hidden]}), taken from the Jacobian of the whole tensors: the block of each sample's output
 * with its own input. Layout as for any batched input, {@code [batch, *output sample, *input sample]}, each sample
 * without its batch axis. The whole Jacobian costs as many times the per-sample work as there are samples, which suits
 * the few samples a state is usually given with.
 */
public final class SampleBlocks {
    private SampleBlocks() {
    }

    /**
     * The per-sample Jacobians of a request whose input or output holds its samples on an axis other than 0, cut from the
     * Jacobian of the whole tensors that {@code engine} computes; null when both hold them on axis 0 or none, for the
     * engine's own way. The one rule the exact and the finite-difference engines share.
     */
    public static JacobianResult offAxisZero(ModelInfo info, ResolvedRequest r, Function<JacobianRequest, JacobianResult> engine) {
        int inputAxis = r.batched() ? BatchAxis.NO_AXIS : r.request().batchAxis().axesOf(info).getOrDefault(r.wrt(), BatchAxis.NO_AXIS);
        int outputAxis = BatchAxis.outputAxis(info, r.of());
        if (!(inputAxis > 0 && r.wrtValue().rank() > inputAxis || r.batched() && outputAxis > 0)) {
            return null;
        }
        JacobianRequest request = r.request();
        JacobianRequest whole = request.withBatchAxis(request.batchAxis().withInput(r.wrt(), BatchAxis.NO_AXIS));
        return perSample(engine.apply(whole), Math.max(outputAxis, 0), r.batched() ? 0 : inputAxis);
    }

    /**
     * @param whole the Jacobian of the whole output with respect to the whole input
     * @param outputAxis the axis of the output that holds the samples
     * @param inputAxis the axis of the input that holds the samples
     */
    public static JacobianResult perSample(JacobianResult whole, int outputAxis, int inputAxis) {
        long[] in = whole.sampleInputShape();
        long[] out = whole.sampleOutputShape();
        int samples = (int) in[inputAxis];
        if (out.length <= outputAxis || out[outputAxis] != samples) {
            throw JacobiException.usage("'" + whole.of() + "' has shape " + Tensor.shapeToString(out) + ", whose axis " + outputAxis
                + " does not hold the " + samples + " samples of '" + whole.wrt() + "' (its axis " + inputAxis + "); choose an "
                + "output with its samples on one axis, or take the whole Jacobian (--batch-axis " + whole.wrt() + "=none).");
        }
        long outOuter = Tensor.elementCount(Arrays.copyOfRange(out, 0, outputAxis));
        long outInner = Tensor.elementCount(Arrays.copyOfRange(out, outputAxis + 1, out.length));
        long inOuter = Tensor.elementCount(Arrays.copyOfRange(in, 0, inputAxis));
        long inInner = Tensor.elementCount(Arrays.copyOfRange(in, inputAxis + 1, in.length));
        long inTotal = Tensor.elementCount(in);
        float[] all = whole.jacobian().floats();
        float[] blocks = new float[Math.toIntExact(samples * outOuter * outInner * inOuter * inInner)];
        int k = 0;
        for (int b = 0; b < samples; b++) {
            for (long oa = 0; oa < outOuter; oa++) {
                for (long oi = 0; oi < outInner; oi++) {
                    long row = ((oa * samples + b) * outInner + oi) * inTotal;
                    for (long a = 0; a < inOuter; a++) {
                        System.arraycopy(all, Math.toIntExact(row + (a * samples + b) * inInner), blocks, k, (int) inInner);
                        k += (int) inInner;
                    }
                }
            }
        }
        long[] sampleOut = without(out, outputAxis);
        long[] sampleIn = without(in, inputAxis);
        long[] shape = new long[1 + sampleOut.length + sampleIn.length];
        shape[0] = samples;
        System.arraycopy(sampleOut, 0, shape, 1, sampleOut.length);
        System.arraycopy(sampleIn, 0, shape, 1 + sampleOut.length, sampleIn.length);
        return new JacobianResult(Tensor.ofFloats(blocks, shape), whole.output(), whole.wrt(), whole.of(), sampleIn, sampleOut, true,
            whole.mode(), whole.exact(), whole.backend(), whole.device(), whole.chunks(), whole.elapsedNanos(), whole.warnings(),
            whole.estimatedError(), whole.dependsOnInput());
    }

    /** {@code shape} without axis {@code axis}. */
    private static long[] without(long[] shape, int axis) {
        long[] out = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                out[j++] = shape[i];
            }
        }
        return out;
    }
}
