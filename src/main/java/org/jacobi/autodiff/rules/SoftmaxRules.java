package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * Softmax and LogSoftmax. From opset 13 they normalise along one axis (default -1); before, the input is
 * coerced to 2-D at {@code axis} (default 1) and normalised over all trailing axes. The Jacobian of
 * softmax is symmetric, so the forward and the reverse rule share one formula: {@code y * (t - sum(t * y))}, formed
 * so that a dominant class (p near one) costs no accuracy.
 */
public final class SoftmaxRules {
    private SoftmaxRules() {
    }


    /** The axes the operator normalises over, of a tangent (with its leading direction axis) or of a primal value. */
    private static long[] axes(NodeContext c, boolean coerced, boolean tangent) {
        int r = c.rank(c.input(0));
        long axis = NodeContext.normAxis(c.attrInt("axis", coerced ? 1 : -1), r);
        int shift = tangent ? 1 : 0;
        return coerced ? Emitter.range(axis + shift, r + shift) : new long[] {axis + shift};
    }

    /** Widest softmax axis whose sums are a MatMul with a ones matrix rather than a ReduceSum broadcast back. */
    static final long SUMS_BY_MATMUL = 64;

    /**
     * The sums of {@code v} over the softmax axes, broadcastable against {@code v}. Over a short last axis they are
     * {@code v x ones(n, n)}: already broadcast along the axis, so the subtraction that follows is elementwise. ONNX
     * Runtime broadcasts a {@code [..., 1]} operand one span of n elements at a time, which for n = 10 made that
     * subtraction 10 % of a classifier's reverse pass.
     */
    private static String sums(NodeContext c, String v, boolean coerced) {
        Emitter e = c.e();
        long[] axes = axes(c, coerced, true);
        int r = c.rank(c.input(0));
        long[] shape = c.shapes().known(c.input(0)) ? c.shape(c.input(0)) : null;
        // rank 2 or more: a rank-1 softmax of a batched input would run along the batch axis, whose size varies
        if (r >= 2 && axes.length == 1 && axes[0] == r && shape != null && shape.length == r && shape[r - 1] > 0
            && shape[r - 1] <= SUMS_BY_MATMUL) {
            int n = (int) shape[r - 1];
            double[] ones = new double[n * n];
            Arrays.fill(ones, 1.0);
            return e.op("MatMul", v, e.tensor(ones, c.type(c.output(0)), n, n));
        }
        return e.reduceSum(v, axes, true);
    }

    /**
     * A one-hot marker of each slice's largest output (the first where several tie), shaped and typed like y; null
     * before opset 11, which has no Range. Built from ArgMax and a Range of positions along the axis (not OneHot,
     * which has no derivative rule for second derivatives to find).
     */
    private static String dominant(NodeContext c, boolean coerced) {
        Emitter e = c.e();
        if (e.opset() < 11) {
            return null;
        }
        String y = c.output(0);
        int r = c.rank(y);
        long axis = NodeContext.normAxis(c.attrInt("axis", coerced ? 1 : -1), r);
        String slices = coerced ? e.op("Flatten", y, Attr.i("axis", axis)) : y;
        long along = coerced ? 1 : axis;
        int trailing = coerced ? 0 : (int) (r - 1 - axis);
        String size = e.squeeze(e.slice1d(e.shape(slices), along, along + 1), 0);
        String positions = e.unsqueeze(e.op("Range", List.of(e.intScalar(0), size, e.intScalar(1))), Emitter.range(1, 1 + trailing));
        String first = e.op("ArgMax", slices, Attr.i("axis", along), Attr.i("keepdims", 1));
        String marker = e.op("Equal", positions, first);
        if (coerced) {
            marker = e.op("Reshape", marker, e.shape(y));
        }
        return e.cast(marker, c.floatType());
    }

    /**
     * {@code v - sum(v * p)} over the softmax axes, the heart of both rules, formed as {@code d - sum(d * p)} with
     * {@code d = v - v[dominant]}. The two agree (the probabilities sum to one), but the second never meets the
     * cancellation of {@code 1 - p} at a dominant class: its own term is exactly zero and every other is small. With
     * p = 0.9975 over 6,625 classes the first lost 2.5e-3 of the Jacobian.
     */
    private static String centred(NodeContext c, String v, String p, String dominant, boolean coerced) {
        Emitter e = c.e();
        String d = dominant == null ? v : e.sub(v, sums(c, e.mul(v, dominant), coerced));
        return e.sub(d, sums(c, e.mul(d, p), coerced));
    }

    private static Rule softmax(boolean coerced) {
        return new Rule() {
            private String apply(NodeContext c, String t) {
                String y = c.output(0);
                return c.e().mul(y, centred(c, t, y, dominant(c, coerced), coerced));
            }

            @Override
            public void jvp(NodeContext c) {
                c.setTangent(0, apply(c, c.tangent(0)));
            }

            @Override
            public void vjp(NodeContext c) {
                c.addCotangent(0, apply(c, c.cotangent(0)));
            }
        };
    }

    private static Rule logSoftmax(boolean coerced) {
        return new Rule() {
            @Override
            public void jvp(NodeContext c) {
                String p = c.e().op("Exp", c.output(0));
                c.setTangent(0, centred(c, c.tangent(0), p, dominant(c, coerced), coerced));
            }

            /**
             * {@code g - p sum(g)}, formed as {@code (g - w sum(g)) - q sum(g)} with w the dominant class's one-hot
             * marker and {@code q = p - w} built without cancellation: the other classes' p, and at the dominant
             * class minus their sum.
             */
            @Override
            public void vjp(NodeContext c) {
                Emitter e = c.e();
                String p = e.op("Exp", c.output(0));
                String g = c.cotangent(0);
                String total = sums(c, g, coerced);
                String w = dominant(c, coerced);
                if (w == null) {
                    c.addCotangent(0, e.sub(g, e.mul(p, total)));
                    return;
                }
                String others = e.mul(p, e.sub(e.scalar(1, c.floatType()), w));
                String q = e.sub(others, e.mul(w, e.reduceSum(others, axes(c, coerced, false), true)));
                c.addCotangent(0, e.sub(e.sub(g, e.mul(w, total)), e.mul(q, total)));
            }
        };
    }

    public static final Rule SOFTMAX = softmax(false);
    public static final Rule SOFTMAX_COERCED = softmax(true);
    public static final Rule LOG_SOFTMAX = logSoftmax(false);
    public static final Rule LOG_SOFTMAX_COERCED = logSoftmax(true);
}
