package org.jacobi.autodiff.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.onnx.proto.Onnx;

/**
 * Derivatives of ConvTranspose with respect to its weights W {@code [C_in, C_out, k...]} (one group):
 * {@code y[n, o, p s + j d - pad] += x[n, i, p] W[i, o, j]}, linear in W.
 * <ul>
 *   <li>forward: the same ConvTranspose of x with the weight tangent, directions as blocks of output channels;</li>
 *   <li>reverse: {@code dW[i, o, j] = sum over n, p of x[n, i, p] g[n, o, p s + j d - pad]}, a Conv of the cotangent
 *   (directions and output channels as its batch, samples as its channels) with x as the kernel, strides and
 *   dilations swapped, cropped to the kernel size.</li>
 * </ul>
 */
final class ConvTransposeWeights {
    private ConvTransposeWeights() {
    }

    static String tangent(NodeContext c, String tw, List<Onnx.AttributeProto> attrs) {
        requireOneGroup(c);
        Emitter e = c.e();
        long[] w = c.shape(c.input(1));
        int r = w.length;
        // [K, Ci, Co, k...] -> [Ci, K, Co, k...] -> [Ci, K*Co, k...]
        long[] perm = Emitter.range(0, r + 1);
        perm[0] = 1;
        perm[1] = 0;
        long[] folded = new long[r];
        folded[0] = w[0];
        folded[1] = -1;
        System.arraycopy(w, 2, folded, 2, r - 2);
        String weights = e.op("Reshape", e.transpose(tw, perm), e.ints(folded));
        List<Onnx.AttributeProto> plain = new ArrayList<>();
        for (Onnx.AttributeProto a : attrs) {
            if (!List.of("output_shape", "pads", "output_padding", "auto_pad").contains(a.getName())) {
                plain.add(a);
            }
        }
        plain.add(Attr.ints("pads", ConvRules.transposePads(c, r - 2))); // output_shape resolved into explicit pads
        plain.add(Attr.ints("output_padding", outputPadding(c, r - 2)));
        String y = e.op("ConvTranspose", List.of(c.input(0), weights), plain.toArray(new Onnx.AttributeProto[0]));
        // [N, K*Co, q...] -> [N, K, Co, q...] -> [K, N, Co, q...]
        long[] y5 = c.shape(c.output(0));
        long[] split = new long[r + 1];
        split[0] = 0;
        split[1] = -1;
        split[2] = w[1];
        for (int i = 2; i < r; i++) {
            split[i + 1] = y5[i];
        }
        return e.transpose(e.op("Reshape", y, e.ints(split)), perm);
    }

    static String cotangent(NodeContext c, String g) {
        requireOneGroup(c);
        Emitter e = c.e();
        long[] w = c.shape(c.input(1));
        int r = w.length;
        int n = r - 2;
        long[] strides = ConvGeometry.orOnes(c.attrInts("strides"), n);
        long[] dilations = ConvGeometry.orOnes(c.attrInts("dilations"), n);
        long[] pads = ConvRules.transposePads(c, n);
        // g [K, N, Co, q...] -> [K, Co, N, q...] -> [K*Co, N, q...]: directions and channels as the batch
        long[] perm = Emitter.range(0, r + 1);
        perm[1] = 2;
        perm[2] = 1;
        String input = e.foldK(e.transpose(g, perm));
        // x [N, Ci, p...] -> [Ci, N, p...]: the kernel
        long[] swap = Emitter.range(0, r);
        swap[0] = 1;
        swap[1] = 0;
        String kernel = e.transpose(c.input(0), swap);
        long[] q = c.shape(c.output(0));
        long[] x = c.shape(c.input(0));
        long[] convPads = new long[2 * n];
        for (int i = 0; i < n; i++) {
            convPads[i] = pads[i];
            // enough room at the end for every kernel offset j < k
            long need = (w[2 + i] - 1) * dilations[i] + (x[2 + i] - 1) * strides[i] + 1;
            convPads[n + i] = Math.max(0, need - q[2 + i] - pads[i]);
        }
        String conv = e.op("Conv", List.of(input, kernel), Attr.ints("strides", dilations), Attr.ints("dilations", strides),
            Attr.ints("pads", convPads)); // [K*Co, Ci, k'...]
        String cropped = e.op("Slice", List.of(conv, e.ints(new long[n]), e.ints(Arrays.copyOfRange(w, 2, r)),
            e.ints(Emitter.range(2, r))));
        // [K*Co, Ci, k...] -> [K, Co, Ci, k...] -> [K, Ci, Co, k...]
        long[] split = new long[r + 1];
        split[0] = -1;
        split[1] = w[1];
        split[2] = w[0];
        System.arraycopy(w, 2, split, 3, n);
        long[] back = Emitter.range(0, r + 1);
        back[1] = 2;
        back[2] = 1;
        return e.transpose(e.op("Reshape", cropped, e.ints(split)), back);
    }

    private static void requireOneGroup(NodeContext c) {
        if (c.attrInt("group", 1) != 1) {
            throw c.fail("derivatives with respect to grouped ConvTranspose weights are not supported");
        }
    }

    /** The output padding that, with the explicit pads, gives the node's own output size. */
    private static long[] outputPadding(NodeContext c, int n) {
        long[] x = c.shape(c.input(0));
        long[] y = c.shape(c.output(0));
        long[] w = c.shape(c.input(1));
        long[] strides = ConvGeometry.orOnes(c.attrInts("strides"), n);
        long[] dilations = ConvGeometry.orOnes(c.attrInts("dilations"), n);
        long[] pads = ConvRules.transposePads(c, n);
        long[] op = new long[n];
        for (int i = 0; i < n; i++) {
            long full = strides[i] * (x[2 + i] - 1) + (w[2 + i] - 1) * dilations[i] + 1 - pads[i] - pads[n + i];
            op[i] = Math.max(0, y[2 + i] - full);
        }
        return op;
    }
}
