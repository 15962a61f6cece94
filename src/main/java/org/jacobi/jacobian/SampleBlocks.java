package org.jacobi.jacobian;

import java.util.Arrays;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/**
 * Per-sample Jacobians with respect to an input that holds its samples on an axis other than 0 (a recurrent state
 * {@code [layers, batch, hidden]}), taken from the Jacobian of the whole tensors: the block of each sample's output
 * with its own input. Layout as for any batched input, {@code [batch, *output sample, *input without its batch axis]}.
 * The whole Jacobian costs as many times the per-sample work as there are samples, which suits the few samples a
 * state is usually given with.
 */
public final class SampleBlocks {
    private SampleBlocks() {
    }

    /**
     * @param whole the Jacobian of the whole output (samples on its axis 0) with respect to the whole input
     * @param inputAxis the axis of the input that holds the samples
     */
    public static JacobianResult perSample(JacobianResult whole, int inputAxis) {
        long[] in = whole.sampleInputShape();
        long[] out = whole.sampleOutputShape();
        int samples = (int) in[inputAxis];
        if (out.length == 0 || out[0] != samples) {
            throw JacobiException.usage("'" + whole.of() + "' has shape " + Tensor.shapeToString(out) + ", whose axis 0 does not hold the "
                + samples + " samples of '" + whole.wrt() + "' (its axis " + inputAxis + "); choose an output with its samples on "
                + "axis 0, or take the whole Jacobian (--batch-axis " + whole.wrt() + "=none).");
        }
        long outPerSample = Tensor.elementCount(out) / samples;
        long outer = Tensor.elementCount(Arrays.copyOfRange(in, 0, inputAxis));
        long inner = Tensor.elementCount(Arrays.copyOfRange(in, inputAxis + 1, in.length));
        long inTotal = Tensor.elementCount(in);
        float[] all = whole.jacobian().floats();
        float[] blocks = new float[Math.toIntExact(samples * outPerSample * outer * inner)];
        int k = 0;
        for (int b = 0; b < samples; b++) {
            for (long o = 0; o < outPerSample; o++) {
                long row = (b * outPerSample + o) * inTotal;
                for (long a = 0; a < outer; a++) {
                    System.arraycopy(all, Math.toIntExact(row + (a * samples + b) * inner), blocks, k, (int) inner);
                    k += (int) inner;
                }
            }
        }
        long[] sampleOut = Arrays.copyOfRange(out, 1, out.length);
        long[] sampleIn = new long[in.length - 1];
        for (int i = 0, j = 0; i < in.length; i++) {
            if (i != inputAxis) {
                sampleIn[j++] = in[i];
            }
        }
        long[] shape = new long[1 + sampleOut.length + sampleIn.length];
        shape[0] = samples;
        System.arraycopy(sampleOut, 0, shape, 1, sampleOut.length);
        System.arraycopy(sampleIn, 0, shape, 1 + sampleOut.length, sampleIn.length);
        return new JacobianResult(Tensor.ofFloats(blocks, shape), whole.output(), whole.wrt(), whole.of(), sampleIn, sampleOut, true,
            whole.mode(), whole.exact(), whole.backend(), whole.device(), whole.chunks(), whole.elapsedNanos(), whole.warnings(),
            whole.estimatedError(), whole.dependsOnInput());
    }
}
