package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/**
 * Pooling. MaxPool routes (co)tangents through the arg-max positions that MaxPool's Indices output gives
 * (Gather forward, ScatterElements back); AveragePool is linear, its adjoint a depthwise ConvTranspose
 * with a kernel of ones; GlobalAveragePool spreads the cotangent evenly.
 */
public final class PoolRules {
    private PoolRules() {
    }

    /** MaxPool's flat arg-max indices: the node's own Indices output, or a twin node that has one. */
    private static String indices(NodeContext c) {
        boolean columnMajor = c.attrInt("storage_order", 0) != 0;
        if (c.outputCount() > 1 && !c.output(1).isEmpty() && !columnMajor) {
            return c.output(1);
        }
        Emitter e = c.e();
        String values = e.fresh("values");
        String idx = e.fresh("indices");
        // row-major flat indices (storage_order 0), whatever the node's own Indices output uses
        Onnx.NodeProto.Builder twin = c.node().toBuilder().clearOutput().addOutput(values).addOutput(idx).setName(idx)
            .clearAttribute().addAllAttribute(ConvRules.attrsExcept(c, "storage_order"));
        e.add(twin.build());
        return idx;
    }

    /**
     * True when the windows tile the input exactly: strides equal to the kernel, no padding or dilation,
     * spatial sizes divisible by the kernel. Then the adjoint is a plain upsampling.
     */
    static boolean tiles(NodeContext c) {
        long[] k = c.attrInts("kernel_shape");
        long[] s = c.attrInts("strides");
        long[] d = c.attrInts("dilations");
        long[] p = c.attrInts("pads");
        if (!c.attrString("auto_pad", "NOTSET").equals("NOTSET") && !c.attrString("auto_pad", "NOTSET").equals("VALID")) {
            return false;
        }
        long[] x = c.shape(c.input(0));
        for (int i = 0; i < k.length; i++) {
            if (s == null || s[i] != k[i] || (d != null && d[i] != 1) || (p != null && (p[i] != 0 || p[k.length + i] != 0))
                || x[2 + i] % k[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Repeats every spatial element of {@code t} ({@code [N, C, s...]}, or {@code [K, N, C, s...]} folded
     * first) {@code k} times per axis: nearest-neighbour Resize with integer scales.
     */
    static String upsample(NodeContext c, String t, long[] k, boolean folded) {
        Emitter e = c.e();
        String x = folded ? e.foldK(t) : t;
        double[] scales = new double[2 + k.length];
        scales[0] = 1;
        scales[1] = 1;
        for (int i = 0; i < k.length; i++) {
            scales[2 + i] = k[i];
        }
        String roi = c.opset() >= 13 ? "" : e.tensor(new double[0], 1, 0);
        String up = e.op("Resize", List.of(x, roi, e.tensor(scales, 1, scales.length)), Attr.s("mode", "nearest"),
            Attr.s("coordinate_transformation_mode", "asymmetric"), Attr.s("nearest_mode", "floor"));
        return folded ? e.reshapeLike(up, c.input(0)) : up;
    }

    /**
     * For windows that tile the input: 1 at each window's first maximum in row-major order (where MaxPool's
     * Indices point), else 0. The maxima are where the input equals its upsampled pooled output; of tied maxima the
     * first is the one with the highest rank weight (window size minus its place in the window), found by pooling
     * the weighted maxima once more. Why not the Indices output: ONNX Runtime computes it in a generic loop, 12 % of
     * cnn_small's reverse pass, where these are plain pooling, upsampling and elementwise kernels. Ties are common
     * (flat image regions, ReLU zeros).
     */
    static String firstMaxima(NodeContext c, long[] k) {
        Emitter e = c.e();
        int type = c.floatType();
        String x = c.input(0);
        String maxima = e.cast(e.op("Equal", x, upsample(c, c.output(0), k, false)), type);
        long[] spatial = Arrays.copyOfRange(c.shape(x), 2, c.shape(x).length);
        long size = 1;
        for (long d : spatial) {
            size *= d;
        }
        long window = Arrays.stream(k).reduce(1, (a, b) -> a * b);
        double[] rank = new double[Math.toIntExact(size)];
        for (int q = 0; q < rank.length; q++) {
            long place = 0; // q's place in its window, row-major
            long[] at = ConvGeometry.unravel(q, spatial);
            for (int i = 0; i < spatial.length; i++) {
                place = place * k[i] + at[i] % k[i];
            }
            rank[q] = window - place;
        }
        long[] dims = new long[2 + spatial.length];
        dims[0] = 1;
        dims[1] = 1;
        System.arraycopy(spatial, 0, dims, 2, spatial.length);
        String scores = e.mul(maxima, e.tensor(rank, type, dims));
        String best = e.op("MaxPool", scores, Attr.ints("kernel_shape", k), Attr.ints("strides", k));
        String first = e.cast(e.op("Equal", scores, upsample(c, best, k, false)), type);
        return e.mul(maxima, first);
    }

    /** {@code [K, *S] -> [K, prod(S)]}. */
    private static String flattenAfterK(Emitter e, String t) {
        return e.op("Reshape", t, e.op("Concat", List.of(e.slice1d(e.shape(t), 0, 1), e.ints(-1)), Attr.i("axis", 0)));
    }

    public static final Rule MAX_POOL = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            String idx = e.op("Reshape", indices(c), e.ints(-1));
            String picked = e.op("Gather", List.of(flattenAfterK(e, c.tangent(0)), idx), Attr.i("axis", 1));
            c.setTangent(0, e.reshapeLike(picked, c.output(0)));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            long[] k = c.attrInts("kernel_shape");
            long[] s = c.attrInts("strides");
            long[] d = c.attrInts("dilations");
            boolean overlapping = false;
            for (int i = 0; i < k.length; i++) {
                long span = (k[i] - 1) * (d == null ? 1 : d[i]) + 1;
                overlapping |= span > (s == null ? 1 : s[i]);
            }
            if (tiles(c)) {
                // Windows tile the input exactly: spread each cotangent over its window, keep the arg-max.
                long[] k2 = c.attrInts("kernel_shape");
                String mask = firstMaxima(c, k2);
                String spread = upsample(c, c.cotangent(0), k2, true);
                c.addCotangent(0, e.mul(spread, mask));
                return;
            }
            c.addCotangent(0, Selection.scatterAdd(c, c.cotangent(0), indices(c), c.input(0), !overlapping));
        }
    };

    public static final Rule AVERAGE_POOL = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            String r = e.op("AveragePool", List.of(e.foldK(c.tangent(0))),
                ConvRules.attrsExcept(c).toArray(new Onnx.AttributeProto[0]));
            c.setTangent(0, e.reshapeLike(r, c.output(0)));
        }

        /**
         * The adjoint of {@code y = WindowSum(x) / d}: a depthwise ConvTranspose with a kernel of ones of
         * {@code g / d}. The divisor d is the window size, or, where windows meet padding or overhang the input
         * (ceil_mode), {@code WindowSum(ones) / AveragePool(ones)}, which is right for count_include_pad 0 and 1.
         * Overhanging windows are padding at the end that the window sum sees as zeros.
         */
        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            long[] k = c.attrInts("kernel_shape");
            long[] dil = c.attrInts("dilations");
            boolean dilated = dil != null && Arrays.stream(dil).anyMatch(v -> v != 1);
            if (tiles(c) && !dilated) {
                long window = Arrays.stream(k).reduce(1, (a, b) -> a * b);
                String spread = upsample(c, c.cotangent(0), k, true);
                c.addCotangent(0, e.mul(spread, e.scalar(1.0 / window, c.floatType())));
                return;
            }
            ConvGeometry geo = ConvGeometry.of(c, k);
            long[] x = c.shape(c.input(0));
            int n = k.length;
            long[] pads = geo.pads().clone();
            long[] outputPadding = new long[n];
            boolean overhang = false;
            for (int i = 0; i < n; i++) {
                long span = (k[i] - 1) * geo.dilations()[i] + 1;
                long covered = (geo.outputSpatial()[i] - 1) * geo.strides()[i] + span;
                long extra = Math.max(0, covered - x[2 + i] - pads[i] - pads[n + i]);
                overhang |= extra > 0;
                pads[n + i] += extra;
                outputPadding[i] = x[2 + i] - (covered - pads[i] - pads[n + i]);
                if (outputPadding[i] < 0 || outputPadding[i] >= Math.max(geo.strides()[i], geo.dilations()[i])) {
                    throw c.fail("its windows do not cover the input in a way the reverse rule handles");
                }
            }
            long channels = x[1];
            long[] kernelShape = new long[2 + n];
            kernelShape[0] = channels;
            kernelShape[1] = 1;
            System.arraycopy(k, 0, kernelShape, 2, n);
            double[] ones = new double[Math.toIntExact(Tensor.elementCount(kernelShape))];
            Arrays.fill(ones, 1);
            String kernel = e.tensor(ones, c.floatType(), kernelShape);
            String g = c.cotangent(0);
            long windowSize = Arrays.stream(k).reduce(1, (a, b) -> a * b);
            boolean includePad = c.attrInt("count_include_pad", 0) != 0;
            String h;
            if (!overhang && (includePad || !geo.padded())) {
                h = e.mul(g, e.scalar(1.0 / windowSize, c.floatType()));
            } else {
                String onesX = e.op("Expand", e.scalar(1, c.floatType()), e.shape(c.input(0)));
                String sums = e.op("Conv", List.of(onesX, kernel), Attr.ints("strides", geo.strides()),
                    Attr.ints("dilations", geo.dilations()), Attr.ints("pads", pads), Attr.i("group", channels));
                String means = e.op("AveragePool", List.of(onesX), ConvRules.attrsExcept(c).toArray(new Onnx.AttributeProto[0]));
                h = e.div(g, e.div(sums, means));
            }
            String r = e.op("ConvTranspose", List.of(e.foldK(h), kernel), Attr.ints("strides", geo.strides()),
                Attr.ints("dilations", geo.dilations()), Attr.ints("pads", pads), Attr.i("group", channels),
                Attr.ints("output_padding", outputPadding));
            c.addCotangent(0, e.reshapeLike(r, c.input(0)));
        }
    };

    public static final Rule GLOBAL_AVERAGE_POOL = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            c.setTangent(0, e.reshapeLike(e.op("GlobalAveragePool", e.foldK(c.tangent(0))), c.output(0)));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            long[] x = c.shape(c.input(0));
            long count = 1;
            for (int i = 2; i < x.length; i++) {
                count *= x[i];
            }
            String h = e.mul(c.cotangent(0), e.scalar(1.0 / count, c.floatType()));
            c.addCotangent(0, e.op("Expand", h, e.kShape(c.cotangent(0), c.input(0))));
        }
    };
}
