package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;

/**
 * The input cotangent of a Conv whose output map is small and whose weights are large (a ResNet's last stages:
 * 512 channels on 2 x 2 positions) as two matrix products instead of a Conv or ConvTranspose. ONNX Runtime's
 * convolutions work one image at a time, so every direction and sample re-reads all the weights (9.4 MB for one
 * 3 x 3 x 512 x 512 layer) to produce four positions; here one GEMM over all of them reads the weights once:
 * <pre>
 *   g [K*N, M, P]  -> rows [K*N*P, M] . W [M, C*k]  = columns [K*N*P, C*k]          (P output positions, k kernel offsets)
 *   columns -> [K*N, P, C, k] . S [P, k, H*W], summed over P = dx [K*N, C, H*W]
 * </pre>
 * where S is the 0/1 matrix that sends (offset, position) to the input pixel it reads (nothing for padding): the
 * col2im step as a product. Exact: S only adds products ONNX Runtime's kernels add too.
 */
final class SmallMapConvAdjoint {
    /** Output positions up to which the product form is used. */
    static final long MAX_POSITIONS = 9;
    /** Weights from which the product form is used (smaller layers gain nothing). */
    static final long MIN_WEIGHTS = 1L << 15;

    private SmallMapConvAdjoint() {
    }

    static boolean applies(NodeContext c, ConvGeometry geo, long[] w) {
        if (c.attrInt("group", 1) != 1 || w.length < 3) {
            return false;
        }
        long positions = 1;
        for (long d : geo.outputSpatial()) {
            positions *= d;
        }
        long weights = 1;
        for (long d : w) {
            weights *= d;
        }
        long inputPixels = 1;
        for (long d : geo.inputSpatial()) {
            inputPixels *= d;
        }
        long offsets = weights / (w[0] * w[1]);
        return positions <= MAX_POSITIONS && weights >= MIN_WEIGHTS && offsets * positions * inputPixels <= 1L << 20;
    }

    /** The input cotangent {@code [K*N, C, *spatial]} for the folded cotangent {@code g} {@code [K*N, M, *out]}. */
    static String inputCotangent(NodeContext c, String g, ConvGeometry geo, long[] w) {
        Emitter e = c.e();
        int n = geo.spatial();
        long m = w[0];
        long channels = w[1];
        long offsets = 1;
        for (int i = 2; i < w.length; i++) {
            offsets *= w[i];
        }
        long positions = 1;
        for (long d : geo.outputSpatial()) {
            positions *= d;
        }
        long pixels = 1;
        for (long d : geo.inputSpatial()) {
            pixels *= d;
        }
        // [K*N, M, P] -> [K*N, P, M] -> [K*N*P, M]
        String flat = e.op("Reshape", g, e.ints(0, m, positions));
        String rows = e.op("Reshape", e.transpose(flat, 0, 2, 1), e.ints(-1, m));
        String columns = e.op("MatMul", rows, e.op("Reshape", c.input(1), e.ints(m, channels * offsets)));
        // [K*N*P, C*k] -> [K*N, P, C, k] . S [P, k, H*W] -> [K*N, P, C, H*W], summed over P. (Moving P next to k
        // for one product over (k, P) instead is an element-by-element transpose: 5 % of a ResNet-18's reverse pass.)
        String perImage = e.op("Reshape", columns, e.ints(-1, positions, channels, offsets));
        String perPosition = e.op("MatMul", perImage, e.tensor(scatter(geo, w, offsets, positions, pixels), c.floatType(),
            positions, offsets, pixels));
        String dx = e.reduceSum(perPosition, new long[] {1}, false);
        long[] shape = new long[n + 2];
        shape[0] = 0;
        shape[1] = channels;
        for (int i = 0; i < n; i++) {
            shape[2 + i] = geo.inputSpatial()[i];
        }
        return e.op("Reshape", dx, e.ints(shape));
    }

    /** S[p, o, q] = 1 when kernel offset o at output position p reads input pixel q. */
    static double[] scatter(ConvGeometry geo, long[] w, long offsets, long positions, long pixels) {
        int n = geo.spatial();
        double[] s = new double[Math.toIntExact(offsets * positions * pixels)];
        long[] kernel = Arrays.copyOfRange(w, 2, w.length);
        for (long o = 0; o < offsets; o++) {
            long[] k = ConvGeometry.unravel(o, kernel);
            for (long p = 0; p < positions; p++) {
                long[] y = ConvGeometry.unravel(p, geo.outputSpatial());
                long q = 0;
                boolean inside = true;
                for (int i = 0; i < n && inside; i++) {
                    long x = y[i] * geo.strides()[i] + k[i] * geo.dilations()[i] - geo.pads()[i];
                    inside = x >= 0 && x < geo.inputSpatial()[i];
                    q = q * geo.inputSpatial()[i] + x;
                }
                if (inside) {
                    s[Math.toIntExact((p * offsets + o) * pixels + q)] = 1;
                }
            }
        }
        return s;
    }
}
