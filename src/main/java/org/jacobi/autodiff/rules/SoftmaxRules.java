package org.jacobi.autodiff.rules;

import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * Softmax and LogSoftmax. From opset 13 they normalise along one axis (default -1); before, the input is
 * coerced to 2-D at {@code axis} (default 1) and normalised over all trailing axes. The Jacobian of
 * softmax is symmetric, so the forward and the reverse rule share one formula: {@code y * (t - sum(t * y))}.
 */
public final class SoftmaxRules {
    private SoftmaxRules() {
    }

    /** The tangent axes the operator normalises over. */
    private static long[] axes(NodeContext c, boolean coerced) {
        int r = c.rank(c.input(0));
        long axis = NodeContext.normAxis(c.attrInt("axis", coerced ? 1 : -1), r);
        return coerced ? Emitter.range(axis + 1, r + 1) : new long[] {axis + 1};
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
        long[] axes = axes(c, coerced);
        int r = c.rank(c.input(0));
        long[] shape = c.shapes().known(c.input(0)) ? c.shape(c.input(0)) : null;
        // rank 2 or more: a rank-1 softmax of a batched input would run along the batch axis, whose size varies
        if (r >= 2 && axes.length == 1 && axes[0] == r && shape != null && shape.length == r && shape[r - 1] > 0
            && shape[r - 1] <= SUMS_BY_MATMUL) {
            int n = (int) shape[r - 1];
            double[] ones = new double[n * n];
            java.util.Arrays.fill(ones, 1.0);
            return e.op("MatMul", v, e.tensor(ones, c.type(c.output(0)), n, n));
        }
        return e.reduceSum(v, axes, true);
    }

    private static Rule softmax(boolean coerced) {
        return new Rule() {
            private String apply(NodeContext c, String t) {
                Emitter e = c.e();
                String y = c.output(0);
                return e.mul(y, e.sub(t, sums(c, e.mul(t, y), coerced)));
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
                Emitter e = c.e();
                String p = e.op("Exp", c.output(0));
                String t = c.tangent(0);
                c.setTangent(0, e.sub(t, sums(c, e.mul(t, p), coerced)));
            }

            @Override
            public void vjp(NodeContext c) {
                Emitter e = c.e();
                String p = e.op("Exp", c.output(0));
                String g = c.cotangent(0);
                c.addCotangent(0, e.sub(g, e.mul(p, sums(c, g, coerced))));
            }
        };
    }

    public static final Rule SOFTMAX = softmax(false);
    public static final Rule SOFTMAX_COERCED = softmax(true);
    public static final Rule LOG_SOFTMAX = logSoftmax(false);
    public static final Rule LOG_SOFTMAX_COERCED = logSoftmax(true);
}
