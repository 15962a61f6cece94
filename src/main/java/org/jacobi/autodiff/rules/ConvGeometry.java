package org.jacobi.autodiff.rules;

import java.util.Arrays;
import org.jacobi.autodiff.NodeContext;

/** Kernel, strides, dilations and explicit pads of a Conv or pooling node, auto_pad resolved. */
record ConvGeometry(long[] kernel, long[] strides, long[] dilations, long[] pads, long[] inputSpatial, long[] outputSpatial) {

    static ConvGeometry of(NodeContext c, long[] kernel) {
        long[] x = c.shape(c.input(0));
        long[] y = c.shape(c.output(0));
        int n = x.length - 2;
        long[] strides = orOnes(c.attrInts("strides"), n);
        long[] dilations = orOnes(c.attrInts("dilations"), n);
        long[] pads = c.attrInts("pads");
        String autoPad = c.attrString("auto_pad", "NOTSET");
        if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
            pads = new long[2 * n];
            for (int i = 0; i < n; i++) {
                long out = (x[2 + i] + strides[i] - 1) / strides[i];
                long total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - x[2 + i]);
                long small = total / 2;
                pads[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                pads[n + i] = total - pads[i];
            }
        } else if (pads == null || autoPad.equals("VALID")) {
            pads = new long[2 * n];
        }
        return new ConvGeometry(kernel, strides, dilations, pads, Arrays.copyOfRange(x, 2, x.length),
            Arrays.copyOfRange(y, 2, y.length));
    }

    /** The row-major coordinates of flat position {@code index} in {@code dims}. */
    static long[] unravel(long index, long[] dims) {
        long[] out = new long[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            out[i] = index % dims[i];
            index /= dims[i];
        }
        return out;
    }

    static long[] orOnes(long[] v, int n) {
        if (v != null && v.length == n) {
            return v;
        }
        long[] ones = new long[n];
        Arrays.fill(ones, 1);
        return ones;
    }

    int spatial() {
        return kernel.length;
    }

    boolean padded() {
        return Arrays.stream(pads).anyMatch(p -> p != 0);
    }

    /** The output_padding a transposed convolution needs to give back the input's spatial size exactly. */
    long[] outputPadding(NodeContext c) {
        int n = spatial();
        long[] op = new long[n];
        for (int i = 0; i < n; i++) {
            long full = (outputSpatial[i] - 1) * strides[i] - pads[i] - pads[n + i] + (kernel[i] - 1) * dilations[i] + 1;
            op[i] = inputSpatial[i] - full;
            if (op[i] < 0 || op[i] >= Math.max(strides[i], dilations[i])) {
                throw c.fail("its windows overhang the input (ceil_mode), which the reverse rule does not handle");
            }
        }
        return op;
    }
}
