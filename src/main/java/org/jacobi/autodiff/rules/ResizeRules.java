package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;
import org.jacobi.core.NotDifferentiableException;

/**
 * Resize in every mode. For a fixed input and output shape, Resize is linear in its input and separable: along
 * each resized axis, output position {@code i} is a fixed combination of input positions (one for nearest, two
 * for linear, four for cubic), whatever the coordinate transformation. The rule builds that combination once per
 * shape as a matrix {@code [out, in]} per axis, following ONNX Runtime's coordinate arithmetic (float32), and
 * applies it with a MatMul along the axis; the reverse rule applies the transposed matrices. Nearest resizing
 * by integer factors, the common upsampling of U-Nets, keeps a cheaper path: Resize on the tangent forward,
 * a summing AveragePool back.
 */
public final class ResizeRules {
    private ResizeRules() {
    }

    /** What a Resize node does along each axis. */
    record Plan(long[] in, long[] out, double[][][] matrices, long[] integerFactors) {
    }

    public static final Rule RESIZE = new Rule() {
        /** roi and scales set the sampling grid (and scales the output's shape): not differentiated. */
        private void onlyData(NodeContext c) {
            for (int i = 1; i <= 2; i++) {
                if (c.has(i) && c.differentiated(i)) {
                    throw c.fail("derivatives with respect to its " + (i == 1 ? "roi" : "scales") + " input are not supported "
                        + "(it sets the sampling grid); differentiate with respect to the data input X (--wrt)");
                }
            }
        }

        @Override
        public void jvp(NodeContext c) {
            onlyData(c);
            Plan p = plan(c);
            Emitter e = c.e();
            if (p.integerFactors() != null) {
                c.setTangent(0, e.reshapeLike(nearestUpsample(c, e.foldK(c.tangent(0)), p.integerFactors()), c.output(0)));
                return;
            }
            String t = c.tangent(0);
            for (int d = 0; d < p.in().length; d++) {
                if (p.matrices()[d] != null) {
                    t = alongAxis(e, t, p.matrices()[d], d + 1, p.in().length + 1, c.floatType());
                }
            }
            c.setTangent(0, t);
        }

        @Override
        public void vjp(NodeContext c) {
            onlyData(c);
            Plan p = plan(c);
            Emitter e = c.e();
            if (p.integerFactors() != null) {
                long[] k = Arrays.copyOfRange(p.integerFactors(), 2, p.integerFactors().length);
                long window = Arrays.stream(k).reduce(1, (a, b) -> a * b);
                String pooled = e.op("AveragePool", List.of(e.foldK(c.cotangent(0))), Attr.ints("kernel_shape", k),
                    Attr.ints("strides", k));
                c.addCotangent(0, e.mul(e.reshapeLike(pooled, c.input(0)), e.scalar(window, c.floatType())));
                return;
            }
            String g = c.cotangent(0);
            for (int d = p.in().length - 1; d >= 0; d--) {
                if (p.matrices()[d] != null) {
                    g = alongAxis(e, g, transpose(p.matrices()[d]), d + 1, p.in().length + 1, c.floatType());
                }
            }
            c.addCotangent(0, g);
        }
    };

    /** Nearest Resize of a folded tangent {@code [K*N, C, ...]} by integer factors (output i reads input i / k). */
    private static String nearestUpsample(NodeContext c, String folded, long[] factors) {
        Emitter e = c.e();
        double[] scales = Arrays.stream(factors).asDoubleStream().toArray();
        String roi = c.opset() >= 13 ? "" : e.tensor(new double[0], 1, 0);
        return e.op("Resize", List.of(folded, roi, e.tensor(scales, 1, scales.length)), Attr.s("mode", "nearest"),
            Attr.s("coordinate_transformation_mode", "asymmetric"), Attr.s("nearest_mode", "floor"));
    }

    /**
     * {@code v} with axis {@code axis} (of {@code rank}) mapped by {@code m} ({@code [new length][old length]}):
     * one MatMul, with the axis moved last and back when it is neither of the last two.
     */
    static String alongAxis(Emitter e, String v, double[][] m, int axis, int rank, int type) {
        int rows = m.length;
        int cols = m[0].length;
        if (axis == rank - 2) {
            return e.op("MatMul", e.tensor(flatten(m), type, rows, cols), v);
        }
        String mt = e.tensor(flatten(transpose(m)), type, cols, rows);
        if (axis == rank - 1) {
            return e.op("MatMul", v, mt);
        }
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[axis] = rank - 1;
        perm[rank - 1] = axis;
        return e.transpose(e.op("MatMul", e.transpose(v, perm), mt), perm);
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    private static double[] flatten(double[][] m) {
        double[] out = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
        }
        return out;
    }

    /** The per-axis matrices of a Resize node, from its attributes, its constant scales/sizes/roi and its shapes. */
    static Plan plan(NodeContext c) {
        if (c.opset() < 11) {
            throw c.fail("Resize before opset 11 is not supported; export with opset 11 or newer");
        }
        String mode = c.attrString("mode", "nearest");
        String coords = c.attrString("coordinate_transformation_mode", "half_pixel");
        String rounding = c.attrString("nearest_mode", "round_prefer_floor");
        double a = c.attrFloat("cubic_coeff_a", -0.75);
        boolean excludeOutside = c.attrInt("exclude_outside", 0) != 0;
        boolean antialias = c.attrInt("antialias", 0) != 0;
        if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("cubic")) {
            throw c.fail("unknown mode '" + mode + "'");
        }
        long[] in = c.shape(c.input(0));
        long[] out = c.shape(c.output(0));
        int rank = in.length;
        long[] axes = c.attrInts("axes");
        if (axes == null) {
            axes = Emitter.range(0, rank);
        } else {
            for (int i = 0; i < axes.length; i++) {
                axes[i] = NodeContext.normAxis(axes[i], rank);
            }
        }
        float[] scale = new float[rank];
        Arrays.fill(scale, 1f);
        boolean scalesGiven = c.has(2) && c.shape(c.input(2)).length > 0 && c.shape(c.input(2))[0] > 0;
        if (scalesGiven) {
            double[] s = c.constFloats(2);
            for (int i = 0; i < axes.length; i++) {
                scale[(int) axes[i]] = (float) s[i];
            }
        } else {
            String policy = c.attrString("keep_aspect_ratio_policy", "stretch");
            float common = policy.equals("not_larger") ? Float.MAX_VALUE : 0f;
            for (long ax : axes) {
                float s = (float) out[(int) ax] / (float) in[(int) ax];
                scale[(int) ax] = s;
                common = policy.equals("not_larger") ? Math.min(common, s) : Math.max(common, s);
            }
            if (!policy.equals("stretch")) {
                for (long ax : axes) {
                    scale[(int) ax] = common;
                }
            }
        }
        float[] roiStart = new float[rank];
        float[] roiEnd = new float[rank];
        Arrays.fill(roiEnd, 1f);
        if (coords.equals("tf_crop_and_resize")) {
            double[] roi = c.constFloats(1);
            for (int i = 0; i < axes.length; i++) {
                roiStart[(int) axes[i]] = (float) roi[i];
                roiEnd[(int) axes[i]] = (float) roi[axes.length + i];
            }
        }
        double[][][] matrices = new double[rank][][];
        for (int d = 0; d < rank; d++) {
            double[][] m = new double[(int) out[d]][(int) in[d]];
            for (int i = 0; i < out[d]; i++) {
                float x = original(coords, i, scale[d], in[d], out[d], roiStart[d], roiEnd[d]);
                if (coords.equals("tf_crop_and_resize") && (x < 0 || x > in[d] - 1)) {
                    continue; // the extrapolation value: a constant, no derivative
                }
                if (mode.equals("nearest")) {
                    m[i][(int) clamp(nearest(rounding, x, scale[d]), in[d])] = 1;
                } else {
                    weights(m[i], x, mode.equals("cubic"), a, excludeOutside, antialias ? Math.min(scale[d], 1f) : 1f);
                }
            }
            matrices[d] = isIdentity(m) ? null : m;
        }
        if (matrices[0] != null) {
            throw c.fail("resizing axis 0 (the batch axis) is not supported");
        }
        return new Plan(in, out, matrices, integerFactors(mode, coords, rounding, in, out, scale, matrices));
    }

    /**
     * The factors per axis when this is nearest upsampling by integer factors on the axes after the first two
     * (output i reads input i / k), else null.
     */
    private static long[] integerFactors(String mode, String coords, String rounding, long[] in, long[] out, float[] scale,
                                         double[][][] matrices) {
        boolean floorMapping = coords.equals("asymmetric") && rounding.equals("floor")
            || (coords.equals("half_pixel") || coords.equals("pytorch_half_pixel"))
               && (rounding.equals("round_prefer_floor") || rounding.equals("round_prefer_ceil"));
        if (!mode.equals("nearest") || !floorMapping || in.length < 3 || matrices[1] != null) {
            return null;
        }
        long[] k = new long[in.length];
        k[0] = 1;
        k[1] = 1;
        for (int d = 2; d < in.length; d++) {
            if (out[d] % in[d] != 0 || scale[d] != (float) (out[d] / in[d])) {
                return null;
            }
            k[d] = out[d] / in[d];
        }
        return k;
    }

    private static boolean isIdentity(double[][] m) {
        if (m.length != m[0].length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (Math.abs(m[i][j] - (i == j ? 1 : 0)) > 1e-12) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The input coordinate of output position {@code i}, computed in float32 as ONNX Runtime does. */
    static float original(String coords, int i, float scale, long lin, long lout, float roiStart, float roiEnd) {
        float x = i;
        switch (coords) {
            case "half_pixel":
                return (x + 0.5f) / scale - 0.5f;
            case "half_pixel_symmetric": {
                float adjustment = lout / (scale * lin);
                float center = lin / 2f;
                float offset = center * (1 - adjustment);
                return offset + (x + 0.5f) / scale - 0.5f;
            }
            case "pytorch_half_pixel":
                return lout > 1 ? (x + 0.5f) / scale - 0.5f : 0f;
            case "align_corners":
                return lout == 1 ? 0f : x * (lin - 1) / (lout - 1);
            case "asymmetric":
                return x / scale;
            case "tf_half_pixel_for_nn":
                return (x + 0.5f) / scale;
            case "tf_crop_and_resize":
                return lout > 1 ? roiStart * (lin - 1) + x * (roiEnd - roiStart) * (lin - 1) / (lout - 1)
                    : 0.5f * (roiStart + roiEnd) * (lin - 1);
            default:
                throw new NotDifferentiableException(
                    "Cannot differentiate Resize: unknown coordinate_transformation_mode '" + coords + "'.");
        }
    }

    /** The nearest input index of coordinate {@code x} under ONNX's rounding modes (as ONNX Runtime rounds). */
    static long nearest(String rounding, float x, float scale) {
        switch (rounding) {
            case "round_prefer_floor":
                return x == (long) x + 0.5f ? (long) Math.floor(x) : roundHalfAway(x);
            case "round_prefer_ceil":
                return roundHalfAway(x);
            case "floor":
                return (long) Math.floor(x);
            case "ceil":
                return (long) Math.ceil(x);
            default:
                throw new NotDifferentiableException(
                    "Cannot differentiate Resize: unknown nearest_mode '" + rounding + "'.");
        }
    }

    /** C's round(): halves away from zero. */
    private static long roundHalfAway(float x) {
        return x >= 0 ? (long) Math.floor(x + 0.5) : -(long) Math.floor(-x + 0.5);
    }

    private static long clamp(long i, long length) {
        return Math.max(0, Math.min(length - 1, i));
    }

    /**
     * Adds the linear or cubic weights of coordinate {@code x} to {@code row}, with the ONNX reference's conventions:
     * the taps around {@code floor(x)} (an integer x takes the left interval, ratio 1), edge indices clamped, or
     * with {@code excludeOutside} dropped and the rest renormalised. {@code filterScale} below 1 widens the filter
     * (antialiased downscaling).
     */
    static void weights(double[] row, double x, boolean cubic, double a, boolean excludeOutside, double filterScale) {
        long i0 = (long) Math.floor(x);
        double ratio = x - i0;
        if (ratio == 0) {
            ratio = 1;
            i0 -= 1;
        }
        double support = cubic ? 2 : 1;
        long start = (long) Math.floor(-support / filterScale) + 1;
        long end = 2 - start;
        int n = (int) (end - start);
        double[] w = new double[n];
        double total = 0;
        for (int j = 0; j < n; j++) {
            double dist = Math.abs(filterScale * (start + j - ratio));
            w[j] = cubic ? cubic(dist, a) : Math.max(0, 1 - dist);
            long idx = i0 + start + j;
            if (excludeOutside && (idx < 0 || idx >= row.length)) {
                w[j] = 0;
            }
            total += w[j];
        }
        for (int j = 0; j < n; j++) {
            row[(int) clamp(i0 + start + j, row.length)] += w[j] / total;
        }
    }

    /** Keys' cubic convolution kernel with parameter {@code a}. */
    private static double cubic(double x, double a) {
        if (x <= 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return 0;
    }
}
