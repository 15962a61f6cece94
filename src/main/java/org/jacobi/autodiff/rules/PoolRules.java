package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;
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
        if (c.outputCount() > 1 && !c.output(1).isEmpty()) {
            return c.output(1);
        }
        Emitter e = c.e();
        String values = e.fresh("values");
        String idx = e.fresh("indices");
        Onnx.NodeProto.Builder twin = c.node().toBuilder().clearOutput().addOutput(values).addOutput(idx).setName(idx);
        e.add(twin.build());
        return idx;
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

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            long[] k = c.attrInts("kernel_shape");
            long[] dil = c.attrInts("dilations");
            if (dil != null && Arrays.stream(dil).anyMatch(v -> v != 1)) {
                throw c.fail("dilated average pooling is not supported");
            }
            ConvGeometry geo = ConvGeometry.of(c, k);
            long[] x = c.shape(c.input(0));
            long channels = x[1];
            long[] kernelShape = new long[2 + k.length];
            kernelShape[0] = channels;
            kernelShape[1] = 1;
            System.arraycopy(k, 0, kernelShape, 2, k.length);
            double[] ones = new double[Math.toIntExact(org.jacobi.core.Tensor.elementCount(kernelShape))];
            Arrays.fill(ones, 1);
            String kernel = e.tensor(ones, c.floatType(), kernelShape);
            String g = c.cotangent(0);
            long windowSize = Arrays.stream(k).reduce(1, (a, b) -> a * b);
            String h;
            if (c.attrInt("count_include_pad", 0) != 0 || !geo.padded()) {
                h = e.mul(g, e.scalar(1.0 / windowSize, c.floatType()));
            } else {
                // Each window divides by the number of real (unpadded) elements it covers.
                String onesX = e.op("Expand", e.scalar(1, c.floatType()), e.shape(c.input(0)));
                String counts = e.op("Conv", List.of(onesX, kernel), Attr.ints("strides", geo.strides()),
                    Attr.ints("pads", geo.pads()), Attr.i("group", channels));
                h = e.div(g, counts);
            }
            String r = e.op("ConvTranspose", List.of(e.foldK(h), kernel), Attr.ints("strides", geo.strides()),
                Attr.ints("pads", geo.pads()), Attr.i("group", channels), Attr.ints("output_padding", geo.outputPadding(c)));
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
