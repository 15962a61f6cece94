package org.jacobi.autodiff.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;
import org.jacobi.onnx.proto.Onnx;

/**
 * Conv and ConvTranspose (1-D, 2-D, 3-D; groups, strides, pads, dilations). The direction axis folds into
 * the batch axis ({@code [K, N, C, ...] -> [K*N, C, ...]}) so that one convolution serves all directions.
 * Conv's reverse rule with respect to its input is ConvTranspose with the same weights, and vice versa.
 */
public final class ConvRules {
    private ConvRules() {
    }

    /** The node's attributes except those named. */
    static List<Onnx.AttributeProto> attrsExcept(NodeContext c, String... names) {
        List<Onnx.AttributeProto> out = new ArrayList<>();
        for (Onnx.AttributeProto a : c.node().getAttributeList()) {
            if (!Arrays.asList(names).contains(a.getName())) {
                out.add(a);
            }
        }
        return out;
    }

    /** Bias tangent {@code [K, M]} spread to {@code [K, N, M, 1, ...]} and expanded to the output. */
    private static String biasTangent(NodeContext c, String tb) {
        int spatial = c.rank(c.output(0)) - 2;
        long[] axes = new long[1 + spatial];
        axes[0] = 1;
        for (int i = 0; i < spatial; i++) {
            axes[1 + i] = 3 + i;
        }
        String t = c.e().unsqueeze(tb, axes);
        String target = c.e().op("Concat", List.of(c.e().ints(1), c.e().shape(c.output(0))), Attr.i("axis", 0));
        return c.e().op("Expand", t, target);
    }

    private static String biasCotangent(NodeContext c, String g) {
        int spatial = c.rank(c.output(0)) - 2;
        long[] axes = new long[1 + spatial];
        axes[0] = 1;
        for (int i = 0; i < spatial; i++) {
            axes[1 + i] = 3 + i;
        }
        return c.e().reduceSum(g, axes, false);
    }

    private static Onnx.AttributeProto[] array(List<Onnx.AttributeProto> attrs) {
        return attrs.toArray(new Onnx.AttributeProto[0]);
    }

    public static final Rule CONV = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            Onnx.AttributeProto[] attrs = array(attrsExcept(c));
            String sum = null;
            if (c.tangent(0) != null) {
                String r = e.op("Conv", List.of(e.foldK(c.tangent(0)), c.input(1)), attrs);
                sum = e.reshapeLike(r, c.output(0));
            }
            if (c.tangent(1) != null) {
                if (c.attrInt("group", 1) != 1) {
                    throw c.fail("derivatives with respect to grouped convolution weights are not supported");
                }
                // [K, M, C, k...] -> [K*M, C, k...]: each direction becomes a block of output channels.
                String r = e.op("Conv", List.of(c.input(0), e.foldK(c.tangent(1))), attrs);
                String outShape = e.shape(c.output(0));
                String split = e.op("Concat", List.of(e.slice1d(outShape, 0, 1), e.ints(-1), e.slice1d(outShape, 1, Long.MAX_VALUE)),
                    Attr.i("axis", 0));
                long[] perm = Emitter.range(0, c.rank(c.output(0)) + 1);
                perm[0] = 1;
                perm[1] = 0;
                String term = e.transpose(e.op("Reshape", r, split), perm);
                sum = sum == null ? term : e.add(sum, term);
            }
            if (c.tangent(2) != null) {
                String term = biasTangent(c, c.tangent(2));
                sum = sum == null ? term : e.add(sum, term);
            }
            c.setTangent(0, sum);
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            String g = c.cotangent(0);
            long[] w = c.shape(c.input(1));
            ConvGeometry geo = ConvGeometry.of(c, Arrays.copyOfRange(w, 2, w.length));
            if (c.needs(0) && SmallMapConvAdjoint.applies(c, geo, w)) {
                c.addCotangent(0, e.reshapeLike(SmallMapConvAdjoint.inputCotangent(c, e.foldK(g), geo, w), c.input(0)));
            } else if (c.needs(0) && fitsFlippedConv(geo)
                && (stridesOne(geo) && w[1] > FEW_CHANNELS || c.attrInt("group", 1) > 1)) {
                // strided grouped convolutions too: their zero-dilated cotangent costs s^2 more products, but a
                // depthwise Conv is cheap and ONNX Runtime's grouped ConvTranspose is not
                c.addCotangent(0, e.reshapeLike(flippedConv(c, e.foldK(g), geo), c.input(0)));
            } else if (c.needs(0)) {
                String r = e.op("ConvTranspose", List.of(e.foldK(g), c.input(1)),
                    Attr.ints("strides", geo.strides()), Attr.ints("dilations", geo.dilations()),
                    Attr.ints("pads", geo.pads()), Attr.i("group", c.attrInt("group", 1)),
                    Attr.ints("output_padding", geo.outputPadding(c)));
                c.addCotangent(0, e.reshapeLike(r, c.input(0)));
            }
            if (c.needs(1)) {
                c.addCotangent(1, weightCotangent(c, g, geo, w));
            }
            if (c.needs(2)) {
                c.addCotangent(2, biasCotangent(c, g));
            }
        }
    };

    /**
     * With this many input channels or fewer (a first layer on gray or two-channel images), ONNX Runtime's
     * blocked (NCHWc) Conv pads the adjoint's few output channels to a whole block, so ConvTranspose is the
     * faster adjoint there (measured: 1 channel, 2-3x; from 3 channels on the flipped Conv wins).
     */
    private static final long FEW_CHANNELS = 2;

    private static boolean stridesOne(ConvGeometry geo) {
        return Arrays.stream(geo.strides()).allMatch(v -> v == 1);
    }

    /** The flipped convolution needs pads of at most (k-1)*d on each side. */
    private static boolean fitsFlippedConv(ConvGeometry geo) {
        int n = geo.spatial();
        for (int i = 0; i < n; i++) {
            long span = (geo.kernel()[i] - 1) * geo.dilations()[i];
            if (geo.pads()[i] > span || geo.pads()[n + i] > span) {
                return false;
            }
        }
        return true;
    }

    /**
     * With unit strides, Conv's adjoint is again a Conv: weights with input and output channels swapped (within each
     * group) and kernels flipped, pads (k-1)*d - p. For grouped and depthwise convolutions this replaces a grouped
     * ConvTranspose, which ONNX Runtime runs group by group (85 % of a MobileNet v2's reverse pass). ONNX Runtime runs Conv much faster than ConvTranspose, and
     * folds the weight transform into a constant when the weights are initializers.
     */
    private static String flippedConv(NodeContext c, String g, ConvGeometry geo) {
        Emitter e = c.e();
        int n = geo.spatial();
        long[] swap = Emitter.range(0, n + 2);
        swap[0] = 1;
        swap[1] = 0;
        long[] starts = new long[n];
        long[] ends = new long[n];
        long[] steps = new long[n];
        Arrays.fill(starts, -1);
        Arrays.fill(ends, Long.MIN_VALUE);
        Arrays.fill(steps, -1);
        long group = c.attrInt("group", 1);
        String swapped;
        if (group == 1) {
            swapped = e.transpose(c.input(1), swap);
        } else {
            // per group: [g, M/g, C/g, k...] -> [g, C/g, M/g, k...] -> [C, M/g, k...] (a depthwise kernel stays as it is)
            long[] ws = c.shape(c.input(1));
            long m = ws[0];
            long perGroupIn = ws[1];
            long[] grouped = new long[n + 3];
            grouped[0] = group;
            grouped[1] = m / group;
            grouped[2] = perGroupIn;
            long[] back = new long[n + 2];
            back[0] = group * perGroupIn;
            back[1] = m / group;
            for (int i = 0; i < n; i++) {
                grouped[3 + i] = ws[2 + i];
                back[2 + i] = ws[2 + i];
            }
            long[] perm = Emitter.range(0, n + 3);
            perm[1] = 2;
            perm[2] = 1;
            String g5 = e.op("Reshape", c.input(1), e.ints(grouped));
            swapped = e.op("Reshape", m / group == 1 || perGroupIn == 1 ? g5 : e.transpose(g5, perm), e.ints(back));
        }
        String w = e.op("Slice", List.of(swapped, e.ints(starts), e.ints(ends),
            e.ints(Emitter.range(2, 2 + n)), e.ints(steps)));
        // Strides: the cotangent with s - 1 zeros after each element (length O * s), then the stride-1 adjoint.
        String input = stridesOne(geo) ? g : dilate(c, g, geo);
        long[] pads = new long[2 * n];
        boolean crop = false;
        for (int i = 0; i < n; i++) {
            long span = (geo.kernel()[i] - 1) * geo.dilations()[i];
            long length = geo.outputSpatial()[i] * geo.strides()[i];
            pads[i] = span - geo.pads()[i];
            pads[n + i] = geo.inputSpatial()[i] - length - pads[i] + span;
            if (pads[n + i] < 0) {
                pads[n + i] = 0;
                crop = true;
            }
        }
        String r = e.op("Conv", List.of(input, w), Attr.ints("dilations", geo.dilations()), Attr.ints("pads", pads),
            Attr.i("group", group));
        if (crop) {
            r = e.op("Slice", List.of(r, e.ints(new long[n]), e.ints(geo.inputSpatial()), e.ints(Emitter.range(2, 2 + n))));
        }
        return r;
    }

    /** {@code [B, C, O...] -> [B, C, O1 * s1, ...]}: each element followed by s - 1 zeros along every spatial axis. */
    private static String dilate(NodeContext c, String g, ConvGeometry geo) {
        Emitter e = c.e();
        int n = geo.spatial();
        long[] spread = new long[2 + 2 * n];
        spread[0] = 0;
        spread[1] = 0;
        long[] padsSpec = new long[2 * (2 + 2 * n)];
        long[] merged = new long[2 + n];
        merged[0] = 0;
        merged[1] = 0;
        for (int i = 0; i < n; i++) {
            spread[2 + 2 * i] = geo.outputSpatial()[i];
            spread[3 + 2 * i] = 1;
            padsSpec[(2 + 2 * n) + 3 + 2 * i] = geo.strides()[i] - 1; // end pad of the unit axis
            merged[2 + i] = geo.outputSpatial()[i] * geo.strides()[i];
        }
        String spaced = e.op("Pad", List.of(e.op("Reshape", g, e.ints(spread)), e.ints(padsSpec)));
        return e.op("Reshape", spaced, e.ints(merged));
    }

    /**
     * dW[m, c, i] = sum over n and positions of g[n, m, p] * x[n, c, p*s + i*d]: a convolution of the input
     * (channels as batch) with the cotangent (samples as channels), strides and dilations swapped.
     */
    private static String weightCotangent(NodeContext c, String g, ConvGeometry geo, long[] w) {
        if (c.attrInt("group", 1) != 1) {
            throw c.fail("derivatives with respect to grouped convolution weights are not supported");
        }
        Emitter e = c.e();
        int r = c.rank(c.input(0));
        int n = r - 2;
        long[] swap = Emitter.range(0, r);
        swap[0] = 1;
        swap[1] = 0;
        String xT = e.transpose(c.input(0), swap); // [C, N, ...]
        long[] perm = Emitter.range(0, r + 1); // g [K, N, M, ...] -> [K, M, N, ...]
        perm[1] = 2;
        perm[2] = 1;
        String gw = e.foldK(e.transpose(g, perm)); // [K*M, N, ...]
        String conv = e.op("Conv", List.of(xT, gw), Attr.ints("strides", geo.dilations()),
            Attr.ints("dilations", geo.strides()), Attr.ints("pads", geo.pads())); // [C, K*M, k'...]
        String cropped = e.op("Slice", List.of(conv, e.ints(new long[n]), e.ints(Arrays.copyOfRange(w, 2, w.length)),
            e.ints(Emitter.range(2, r))));
        // [C, K*M, k...] -> [C, K, M, k...] -> [K, M, C, k...]
        long[] dims = new long[r + 1];
        dims[0] = w[1];
        dims[1] = -1;
        System.arraycopy(w, 0, dims, 2, 1);
        System.arraycopy(w, 2, dims, 3, n);
        String split = e.op("Reshape", cropped, e.ints(dims));
        long[] back = new long[r + 1];
        back[0] = 1;
        back[1] = 2;
        back[2] = 0;
        for (int i = 0; i < n; i++) {
            back[3 + i] = 3 + i;
        }
        return e.transpose(split, back);
    }

    /**
     * The pads a ConvTranspose really applies (begin..., end...): its explicit pads, or, with output_shape or
     * auto_pad SAME_*, the total padding {@code stride*(in-1) + output_padding + span - out} split as ONNX
     * specifies (SAME_UPPER: the smaller half first; otherwise the larger half first). The adjoint is a
     * Conv with the same strides, dilations and these pads.
     */
    static long[] transposePads(NodeContext c, int n) {
        String autoPad = c.attrString("auto_pad", "NOTSET");
        long[] explicit = c.attrInts("pads");
        if (autoPad.equals("VALID")) {
            return new long[2 * n];
        }
        if (c.attr("output_shape") == null && !autoPad.startsWith("SAME")) {
            return explicit == null ? new long[2 * n] : explicit;
        }
        long[] x = c.shape(c.input(0));
        long[] y = c.shape(c.output(0));
        long[] w = c.shape(c.input(1));
        long[] strides = c.attrInts("strides");
        long[] dilations = c.attrInts("dilations");
        long[] outputPadding = c.attrInts("output_padding");
        long[] pads = new long[2 * n];
        for (int i = 0; i < n; i++) {
            long s = strides == null ? 1 : strides[i];
            long d = dilations == null ? 1 : dilations[i];
            long op = outputPadding == null ? 0 : outputPadding[i];
            long total = s * (x[2 + i] - 1) + op + (w[2 + i] - 1) * d + 1 - y[2 + i];
            if (total < 0 && -total < s) {
                // output_shape beyond the full size: zeros at the end, as output_padding gives
                continue;
            }
            if (total < 0) {
                throw c.fail("its output_shape is larger than the full transposed convolution plus one stride");
            }
            boolean upper = autoPad.equals("SAME_UPPER");
            pads[i] = upper ? total / 2 : total - total / 2;
            pads[n + i] = total - pads[i];
        }
        return pads;
    }

    public static final Rule CONV_TRANSPOSE = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            String sum = null;
            if (c.tangent(0) != null) {
                String r = e.op("ConvTranspose", List.of(e.foldK(c.tangent(0)), c.input(1)), array(attrsExcept(c)));
                sum = e.reshapeLike(r, c.output(0));
            }
            if (c.tangent(1) != null) {
                String term = ConvTransposeWeights.tangent(c, c.tangent(1), attrsExcept(c));
                sum = sum == null ? term : e.add(sum, term);
            }
            if (c.tangent(2) != null) {
                String term = biasTangent(c, c.tangent(2));
                sum = sum == null ? term : e.add(sum, term);
            }
            c.setTangent(0, sum);
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            String g = c.cotangent(0);
            if (c.needs(1)) {
                c.addCotangent(1, ConvTransposeWeights.cotangent(c, g));
            }
            if (c.needs(0)) {
                int n = c.rank(c.input(0)) - 2;
                if (n < 1) {
                    throw c.fail("the input has no spatial axes");
                }
                List<Onnx.AttributeProto> attrs = new ArrayList<>();
                attrs.add(Attr.i("group", c.attrInt("group", 1)));
                for (String name : List.of("strides", "dilations")) {
                    long[] v = c.attrInts(name);
                    if (v != null) {
                        attrs.add(Attr.ints(name, v));
                    }
                }
                attrs.add(Attr.ints("pads", transposePads(c, n)));
                String r = e.op("Conv", List.of(e.foldK(g), c.input(1)), array(attrs));
                c.addCotangent(0, e.reshapeLike(r, c.input(0)));
            }
            if (c.needs(2)) {
                c.addCotangent(2, biasCotangent(c, g));
            }
        }
    };
}
